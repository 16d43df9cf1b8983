// Delivers messages to WEBHOOK_URL: one POST each, with a timeout, without following
// redirects.
//
// Every request carries Content-Type: application/json, User-Agent: hookme/<version>,
// hookme-event (what the body is: "report" or "task.failed"), the Standard Webhooks headers
// webhook-id and webhook-timestamp and, when WEBHOOK_SECRET is set, webhook-signature. The body
// goes out exactly as it was signed: the same bytes, not copied.
//
// Verdicts: 2xx delivers; 410 Gone stops (the receiver asked for no more); 429 and 503 are
// retried no sooner than their Retry-After; everything else (3xx, other 4xx and 5xx, network
// errors, timeouts) is retried.
#pragma once

#include "httpresult.h"
#include "webhooksignature.h"

#include <QObject>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;

namespace hookme {

struct WebhookMessage {
    QByteArray id;     // webhook-id: the same for every attempt of the same message
    QByteArray event;  // hookme-event
    QByteArray body;   // JSON
};

struct DeliveryResult {
    enum class Verdict { Delivered, Retry, Stop };
    Verdict verdict = Verdict::Retry;
    HttpResult response;  // its body holds the first keptResponseBytes only
    std::optional<qint64> retryAfterMs;  // what a 429 or 503 asked for
    QString error;                       // empty when delivered
    qint64 durationMs = 0;               // of the request, from sending to the last byte
};

class WebhookSender : public QObject
{
    Q_OBJECT

public:
    // How much of a receiver's answer is kept, for the task's history.
    static constexpr qsizetype keptResponseBytes = 1024;

    static constexpr char reportEvent[] = "report";
    static constexpr char failureEvent[] = "task.failed";

    WebhookSender(QNetworkAccessManager *network, const QUrl &webhookUrl, qint64 timeoutMs,
                  const WebhookSignature &signature = {}, QObject *parent = nullptr);

    QCoro::Task<DeliveryResult> deliver(WebhookMessage message);

    // The verdict on an answer (or a network failure) that arrived at `nowMs`.
    static DeliveryResult judge(HttpResult response, qint64 nowMs);

private:
    QNetworkAccessManager *m_network;
    QUrl m_webhookUrl;
    qint64 m_timeoutMs;
    WebhookSignature m_signature;
};

} // namespace hookme
