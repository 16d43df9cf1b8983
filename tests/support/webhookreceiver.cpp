// The webhook endpoint of the tests: records POSTs and answers them (see webhookreceiver.h).
#include "webhookreceiver.h"

#include "serveranswer.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;
using hookme::test::ServerAnswer;

Q_LOGGING_CATEGORY(lcReceiver, "hookme.test.receiver", QtInfoMsg)

QByteArray WebhookReceiver::Delivery::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

WebhookReceiver::WebhookReceiver(QObject *parent) : LoopbackServer(parent) { }

QUrl WebhookReceiver::url() const
{
    return QUrl(rootUrl().toString() + u"/hook"_s);
}

QList<WebhookReceiver::Delivery> WebhookReceiver::deliveries() const
{
    return m_deliveries;
}

int WebhookReceiver::deliveryCount() const
{
    return int(m_deliveries.size());
}

void WebhookReceiver::clearDeliveries()
{
    m_deliveries.clear();
}

void WebhookReceiver::setFailures(int count, int httpStatus,
                                  const QList<QPair<QByteArray, QByteArray>> &headers,
                                  const QByteArray &body)
{
    m_failuresLeft = std::max(count, 0);
    m_failureStatus = httpStatus;
    m_failureHeaders = headers;
    m_failureBody = body;
}

void WebhookReceiver::setResponseDelay(int milliseconds)
{
    m_responseDelayMs = std::max(milliseconds, 0);
}

void WebhookReceiver::setSlowAnswers(int count, int milliseconds)
{
    m_slowAnswersLeft = std::max(count, 0);
    m_slowAnswerDelayMs = std::max(milliseconds, 0);
}

void WebhookReceiver::handle(const QHttpServerRequest &request,
                             QHttpServerResponder &&responder)
{
    ServerAnswer answer;

    if (request.method() != QHttpServerRequest::Method::Post) {
        qCDebug(lcReceiver) << "refusing" << request.method() << request.url().path();
        answer.status = 405;
        answer.addHeader("Allow", "POST");
        answer.send(std::move(responder), 0, this);
        return;
    }

    Delivery delivery;
    delivery.body = request.body();
    delivery.headers = request.headers();
    delivery.receivedAt = QDateTime::currentDateTimeUtc();
    delivery.path = request.url().path();

    if (m_failuresLeft > 0) {
        --m_failuresLeft;
        answer.status = m_failureStatus;
        answer.addHeader("Content-Type", "application/json");
        for (const auto &[name, value] : std::as_const(m_failureHeaders))
            answer.addHeader(name, value);
        answer.body = m_failureBody;
    } else {
        answer.status = 204;
    }

    delivery.answeredStatus = answer.status;
    qCDebug(lcReceiver) << "POST" << delivery.path << delivery.body.size() << "bytes ->"
                        << answer.status;
    m_deliveries.append(delivery);
    emit delivered();

    int delayMs = m_responseDelayMs;
    if (m_slowAnswersLeft > 0) {
        --m_slowAnswersLeft;
        delayMs = m_slowAnswerDelayMs;
    }
    answer.send(std::move(responder), delayMs, this);
}
