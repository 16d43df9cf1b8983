#include "webhooksender.h"

#include "retrypolicy.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWebhook, "hookme.webhook", QtInfoMsg)

namespace hookme {

WebhookSender::WebhookSender(QNetworkAccessManager *network, const QUrl &webhookUrl,
                             qint64 timeoutMs, const WebhookSignature &signature,
                             QObject *parent)
    : QObject(parent),
      m_network(network),
      m_webhookUrl(webhookUrl),
      m_timeoutMs(timeoutMs),
      m_signature(signature)
{
}

QCoro::Task<DeliveryResult> WebhookSender::deliver(WebhookMessage message)
{
    QNetworkRequest request(m_webhookUrl);
    request.setTransferTimeout(int(m_timeoutMs));
    // A redirect is an answer like any other: a receiver that moved must be configured anew.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("User-Agent", "hookme/" HOOKME_VERSION);
    request.setRawHeader("hookme-event", message.event);

    // The timestamp is this attempt's; the id is the message's, so receivers can deduplicate
    // (also without a secret).
    const qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    request.setRawHeader("webhook-id", message.id);
    request.setRawHeader("webhook-timestamp", QByteArray::number(timestamp));
    if (m_signature.isEnabled()) {
        request.setRawHeader("webhook-signature",
                             m_signature.sign(message.id, timestamp, message.body));
    }

    qCDebug(lcWebhook).noquote() << "POST" << message.event << message.id << message.body.size()
                                 << "bytes";
    QElapsedTimer timer;
    timer.start();
    HttpResult response = co_await sendRequest(m_network, request, "POST",
                                               std::move(message.body), keptResponseBytes);
    DeliveryResult result = judge(std::move(response), QDateTime::currentMSecsSinceEpoch());
    result.durationMs = timer.elapsed();
    if (result.verdict != DeliveryResult::Verdict::Delivered)
        qCDebug(lcWebhook).noquote() << "delivery failed:" << result.error;
    co_return result;
}

DeliveryResult WebhookSender::judge(HttpResult response, qint64 nowMs)
{
    DeliveryResult result;
    const int status = response.status;

    if (response.isSuccess()) {
        result.verdict = DeliveryResult::Verdict::Delivered;
    } else if (status == 410) {
        result.verdict = DeliveryResult::Verdict::Stop;
        result.error = u"webhook: HTTP 410 Gone: the receiver asked for no more deliveries"_s;
    } else {
        result.verdict = DeliveryResult::Verdict::Retry;
        result.error = u"webhook: %1"_s.arg(response.describe());
        if (status >= 300 && status < 400)
            result.error += u" (redirects are not followed)"_s;
        if (status == 429 || status == 503) {
            result.retryAfterMs =
                    RetryPolicy::parseRetryAfter(response.header("retry-after"), nowMs);
        }
    }
    result.response = std::move(response);
    return result;
}

} // namespace hookme
