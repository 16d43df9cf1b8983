// A webhook endpoint on 127.0.0.1 for the tests, benchmarks and manual checks of hookme: it
// accepts POST on any path, records every delivery (failed ones too) and can be told to fail
// or to hang before answering.
#pragma once

#include "loopbackserver.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>

class WebhookReceiver : public LoopbackServer
{
    Q_OBJECT

public:
    struct Delivery {
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;  // as sent
        QDateTime receivedAt;  // UTC
        QString path;          // decoded path, e.g. "/hook"
        int answeredStatus = 0;  // what the receiver answered (or will answer, when delayed)

        QByteArray header(const QByteArray &name) const;  // case-insensitive; empty if absent
    };

    explicit WebhookReceiver(QObject *parent = nullptr);

    QUrl url() const;  // http://127.0.0.1:PORT/hook: hookme's WEBHOOK_URL

    QList<Delivery> deliveries() const;
    int deliveryCount() const;
    void clearDeliveries();

    // The next `count` POSTs answer `httpStatus`, then 204 again. The answer carries `headers`
    // (e.g. Retry-After, or Location for a redirect) and `body` (default: a short JSON error).
    void setFailures(int count, int httpStatus = 500,
                     const QList<QPair<QByteArray, QByteArray>> &headers = {},
                     const QByteArray &body = R"({"error":"injected failure"})");
    // Hangs this long before answering; the delivery is recorded when it arrives.
    void setResponseDelay(int milliseconds);
    // The next `count` POSTs hang `milliseconds` before answering (past a client's timeout, say);
    // later ones use setResponseDelay()'s delay again.
    void setSlowAnswers(int count, int milliseconds);

signals:
    void delivered();  // a POST was recorded (emitted before it is answered)

protected:
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder) override;

private:
    QList<Delivery> m_deliveries;
    int m_failuresLeft = 0;
    int m_failureStatus = 500;
    QList<QPair<QByteArray, QByteArray>> m_failureHeaders;
    QByteArray m_failureBody;
    int m_responseDelayMs = 0;
    int m_slowAnswersLeft = 0;
    int m_slowAnswerDelayMs = 0;
};
