#include "httpresult.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>

#include <qcoronetworkreply.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace hookme {

QString HttpResult::describe() const
{
    if (status == 0)
        return networkError;
    const QString start = QString::fromUtf8(body.left(200)).simplified();
    return start.isEmpty() ? u"HTTP %1"_s.arg(status) : u"HTTP %1: %2"_s.arg(status).arg(start);
}

QCoro::Task<HttpResult> sendRequest(QNetworkAccessManager *network, QNetworkRequest request,
                                    QByteArray method, QByteArray body, qsizetype maxBodyBytes)
{
    // The reply belongs to this coroutine: deleted however the coroutine ends.
    std::unique_ptr<QNetworkReply, void (*)(QNetworkReply *)> reply(
            network->sendCustomRequest(request, method, body),
            [](QNetworkReply *r) { r->deleteLater(); });
    body.clear();  // the reply holds its own reference while it uploads

    auto kept = std::make_shared<QByteArray>();
    if (maxBodyBytes >= 0) {
        QNetworkReply *r = reply.get();
        QObject::connect(r, &QIODevice::readyRead, r, [r, kept, maxBodyBytes] {
            const QByteArray chunk = r->readAll();
            if (kept->size() < maxBodyBytes)
                kept->append(chunk.left(maxBodyBytes - kept->size()));
        });
    }

    co_await reply.get();

    HttpResult result;
    result.url = reply->url();
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid()) {
        result.status = status.toInt();
        if (maxBodyBytes >= 0) {
            const QByteArray rest = reply->readAll();
            if (kept->size() < maxBodyBytes)
                kept->append(rest.left(maxBodyBytes - kept->size()));
            result.body = *kept;
        } else {
            result.body = reply->readAll();
        }
        for (const auto &[name, value] : reply->rawHeaderPairs())
            result.headers.insert(name.toLower(), value);
    } else {
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError;
        result.networkError = timedOut
                ? u"no answer within %1 ms"_s.arg(request.transferTimeout())
                : reply->errorString();
    }
    co_return result;
}

} // namespace hookme
