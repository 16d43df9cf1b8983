// Talks to the GitHub REST API at API_URL: builds endpoint URLs, sends the headers GitHub asks
// integrators to send, and follows paginated listings to their end.
#pragma once

#include "httpresult.h"

#include <QJsonArray>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;

namespace hookme {

class GitHubClient : public QObject
{
    Q_OBJECT

public:
    // `apiUrl` is https://api.github.com or a GitHub Enterprise https://host/api/v3, with or
    // without a trailing slash. An empty `token` sends requests anonymously.
    GitHubClient(QNetworkAccessManager *network, const QUrl &apiUrl, const QString &token,
                 qint64 timeoutMs, QObject *parent = nullptr);

    // API_URL joined with `path` (which starts with '/'), each segment already encoded.
    QUrl endpoint(const QString &path, const QUrlQuery &query = {}) const;

    QCoro::Task<HttpResult> get(QUrl url);

    // The result of walking every page of a listing.
    struct Listing {
        HttpResult lastResponse;  // the page that ended the walk: the last one, or a failure
        int requests = 0;
        bool complete = false;  // every page arrived with 2xx and a JSON array (or 204)
        QString error;          // why the walk stopped early
    };

    // GETs `firstPage`, hands each page's array to `onPage`, and follows the Link header's
    // rel="next" URL exactly as GitHub gives it until there is none.
    QCoro::Task<Listing> fetchAllPages(QUrl firstPage,
                                       std::function<void(const QJsonArray &)> onPage);

signals:
    // GitHub's x-ratelimit-* headers of an answer that had all three (for the monitor).
    void rateLimitObserved(qint64 remaining, qint64 limit, qint64 resetAtMs);

private:
    void announceRateLimit(const HttpResult &result);

    QNetworkAccessManager *m_network;
    QUrl m_apiUrl;
    QByteArray m_authorization;
    qint64 m_timeoutMs;
};

} // namespace hookme
