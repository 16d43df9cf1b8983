// Delivers a report to WEBHOOK_URL: one POST of the JSON document, with a timeout, without
// following redirects. Success is a 2xx answer.
#pragma once

#include "httpresult.h"

#include <QObject>
#include <QUrl>

class QNetworkAccessManager;

namespace hookme {

class WebhookSender : public QObject
{
    Q_OBJECT

public:
    WebhookSender(QNetworkAccessManager *network, const QUrl &webhookUrl, qint64 timeoutMs,
                  QObject *parent = nullptr);

    QCoro::Task<HttpResult> deliver(QByteArray reportJson);

private:
    QNetworkAccessManager *m_network;
    QUrl m_webhookUrl;
    qint64 m_timeoutMs;
};

} // namespace hookme
