// The outcome of one outbound HTTP request, read fully, in a form that outlives the reply.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

#include <qcorotask.h>

class QNetworkAccessManager;
class QNetworkRequest;

namespace hookme {

struct HttpResult {
    int status = 0;  // 0 when no HTTP answer arrived (network error, timeout)
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;  // names lower-cased
    QUrl url;                               // after any redirect that was followed
    QString networkError;                   // empty when an HTTP answer arrived

    bool isSuccess() const { return status >= 200 && status < 300; }
    QByteArray header(const QByteArray &lowerCaseName) const { return headers.value(lowerCaseName); }
    // A short description for task history: "HTTP 502: <start of body>" or the network error.
    QString describe() const;
};

// Sends the request (GET when `body` is empty and `method` is "GET", else with the body) and
// waits for the whole answer. A timeout, set on the request, ends as a network error. With
// `maxBodyBytes` >= 0, only that many bytes of the answer's body are kept; the rest is read
// and dropped as it arrives, so that an endless answer costs no memory.
QCoro::Task<HttpResult> sendRequest(QNetworkAccessManager *network, QNetworkRequest request,
                                    QByteArray method, QByteArray body = {},
                                    qsizetype maxBodyBytes = -1);

} // namespace hookme
