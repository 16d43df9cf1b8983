#include "webhooksender.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcWebhook, "hookme.webhook", QtInfoMsg)

namespace hookme {

WebhookSender::WebhookSender(QNetworkAccessManager *network, const QUrl &webhookUrl,
                             qint64 timeoutMs, QObject *parent)
    : QObject(parent), m_network(network), m_webhookUrl(webhookUrl), m_timeoutMs(timeoutMs)
{
}

QCoro::Task<HttpResult> WebhookSender::deliver(QByteArray reportJson)
{
    QNetworkRequest request(m_webhookUrl);
    request.setTransferTimeout(int(m_timeoutMs));
    // A redirect is an answer like any other: a receiver that moved must be configured anew.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("User-Agent", "hookme/" HOOKME_VERSION);

    qCDebug(lcWebhook) << "POST" << reportJson.size() << "bytes";
    HttpResult result = co_await sendRequest(m_network, request, "POST", reportJson);
    if (!result.isSuccess())
        qCDebug(lcWebhook).noquote() << "delivery failed:" << result.describe();
    co_return result;
}

} // namespace hookme
