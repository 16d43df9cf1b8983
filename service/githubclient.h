// Talks to the GitHub API at API_URL. It sends the headers GitHub asks integrators to send,
// keeps at most GITHUB_MAX_CONCURRENCY requests in flight, follows paginated listings to their
// end, asks again with If-None-Match so that unchanged answers cost no quota, and keeps track
// of GitHub's rate limits.
//
// Rate limits. When GitHub says the primary quota is spent (403/429 with
// x-ratelimit-remaining: 0), the client asks nothing more until x-ratelimit-reset (epoch
// seconds) plus one second. When it hits a secondary limit (403/429 with Retry-After, or a
// message naming it), it waits Retry-After, or at least 60 s, doubling the wait on each
// further hit until a request succeeds. While it waits, every request returns at once with
// `rateLimitedUntilMs` set, so that callers defer their work instead of failing it.
#pragma once

#include "httpresult.h"

#include <QJsonArray>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <coroutine>
#include <deque>
#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace hookme {

class TaskStore;

class GitHubClient : public QObject
{
    Q_OBJECT

public:
    struct Options {
        QUrl apiUrl;        // https://api.github.com or https://HOST/api/v3, '/' or not
        QString token;      // empty: anonymous
        qint64 timeoutMs = 30'000;
        int maxConcurrency = 2;
        int quotaReserve = 10;  // no new collection starts with fewer requests left
    };

    // `cache` keeps answers for conditional requests; it may be null.
    GitHubClient(QNetworkAccessManager *network, TaskStore *cache, const Options &options,
                 QObject *parent = nullptr);

    // API_URL joined with `path` (which starts with '/'), each segment already encoded.
    QUrl endpoint(const QString &path, const QUrlQuery &query = {}) const;
    // The GraphQL endpoint: /graphql on github.com, /api/graphql on GitHub Enterprise.
    QUrl graphqlEndpoint() const;
    bool hasToken() const { return !m_authorization.isEmpty(); }

    // One answer from GitHub, with what it cost.
    struct Reply {
        HttpResult http;     // GitHub's answer (status 304 when the stored content was reused)
        QByteArray content;  // on success: the fresh or stored content, after `extract`
        std::optional<QUrl> next;  // rel="next"
        QString error;       // empty on success
        int requests = 0;          // requests sent, redirects included
        int quotaRequests = 0;     // of those, the ones GitHub counts against the quota
        std::optional<qint64> rateLimitedUntilMs;  // GitHub may not be asked before then

        bool ok() const { return error.isEmpty(); }
    };

    // Takes what matters from a 200 answer's body; this is what is kept for a later 304.
    // Returns nothing when the body is not what was expected.
    using Extract = std::function<std::optional<QByteArray>(const QByteArray &body)>;

    // GET with a conditional request. `cacheKind` names what `extract` produces, so that a
    // change to it never reuses content stored by another version.
    QCoro::Task<Reply> get(QUrl url, QString cacheKind, Extract extract);

    // POST a GraphQL query with its variables (not cached).
    QCoro::Task<Reply> graphql(QByteArray query, QJsonObject variables);

    // The result of walking every page of a listing.
    struct Listing {
        Reply last;           // the reply that ended the walk: the last page, or a failure
        int requests = 0;
        int quotaRequests = 0;
        int pages = 0;
        bool complete = false;  // every page arrived (2xx or 304)
        QString error;          // why the walk stopped early
    };

    // GETs `firstPage`, hands each page's extracted content to `onPage`, and follows the
    // Link header's rel="next" URL exactly as GitHub gives it until there is none.
    QCoro::Task<Listing> fetchAllPages(QUrl firstPage, QString cacheKind, Extract extract,
                                       std::function<void(const QByteArray &)> onPage);

    // When GitHub may be asked again, if it may not be asked now. With `forNewCollection`,
    // also when the quota left is at or below the reserve: a collection started now would
    // probably stop half-way.
    std::optional<qint64> blockedUntilMs(bool forNewCollection) const;

    // The primary quota as GitHub last reported it.
    struct Quota {
        int limit = -1;  // -1: not known yet
        int remaining = -1;
        qint64 resetAtMs = 0;
    };
    Quota quota() const { return m_quota; }

signals:
    // The primary quota as an answer reported it (for the monitor).
    void rateLimitObserved(qint64 remaining, qint64 limit, qint64 resetAtMs);

private:
    QCoro::Task<HttpResult> send(QUrl url, QByteArray method, QByteArray body,
                                 QList<QPair<QByteArray, QByteArray>> extraHeaders,
                                 int *requestsSent);
    void noteRateLimits(const HttpResult &result, Reply *reply);

    // Awaited before each request: ready at once while fewer than GITHUB_MAX_CONCURRENCY
    // requests are in flight, otherwise queued until releaseRequestSlot() hands one over.
    struct RequestSlot {
        GitHubClient *client;
        bool await_ready() const noexcept;
        void await_suspend(std::coroutine_handle<> waiter);
        void await_resume() const noexcept { }
    };
    void releaseRequestSlot();

    QNetworkAccessManager *m_network;
    TaskStore *m_cache;
    Options m_options;
    QByteArray m_authorization;
    int m_inFlight = 0;
    std::deque<std::coroutine_handle<>> m_slotWaiters;
    qint64 m_pausedUntilMs = 0;
    int m_secondaryLimitHits = 0;
    Quota m_quota;
};

} // namespace hookme
