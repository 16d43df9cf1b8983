#include "githubclient.h"

#include "linkheader.h"
#include "taskstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkRequest>


using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcGitHub, "hookme.github", QtInfoMsg)

namespace hookme {

namespace {

// Redirects GitHub may answer with (a renamed or transferred repository answers 301).
constexpr int maxRedirects = 5;

// The least wait after a secondary rate limit without Retry-After, as GitHub advises, and the
// most that doubling may reach.
constexpr qint64 secondaryLimitWaitMs = 60'000;
constexpr qint64 maxSecondaryLimitWaitMs = 3'600'000;

// No listing of GitHub's has more pages than this (a million items at 100 a page); a next link
// beyond it is a loop.
constexpr int maxPages = 10'000;

// After the primary quota's reset time, wait this long more: clocks differ.
constexpr qint64 resetMarginMs = 1'000;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
            && a.port(a.scheme() == "https"_L1 ? 443 : 80)
            == b.port(b.scheme() == "https"_L1 ? 443 : 80);
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 307 || status == 308;
}

QString basePath(const QUrl &apiUrl)
{
    QString path = apiUrl.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/'))
        path.chop(1);
    return path;
}

// Retry-After is either seconds or an HTTP date.
std::optional<qint64> retryAfterMs(const QByteArray &value)
{
    if (value.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qint64 seconds = value.trimmed().toLongLong(&isNumber);
    if (isNumber)
        return std::max<qint64>(seconds, 0) * 1000;
    const QDateTime date = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!date.isValid())
        return std::nullopt;
    return std::max<qint64>(date.toMSecsSinceEpoch() - now(), 0);
}

QString timeText(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

GitHubClient::GitHubClient(QNetworkAccessManager *network, TaskStore *cache,
                           const Options &options, QObject *parent)
    : QObject(parent),
      m_network(network),
      m_cache(cache),
      m_options(options),
      m_authorization(options.token.isEmpty() ? QByteArray()
                                              : "Bearer " + options.token.toUtf8())
{
}

QUrl GitHubClient::endpoint(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_options.apiUrl;
    url.setPath(basePath(m_options.apiUrl) + path, QUrl::StrictMode);
    url.setQuery(query);
    return url;
}

QUrl GitHubClient::graphqlEndpoint() const
{
    QUrl url = m_options.apiUrl;
    QString path = basePath(m_options.apiUrl);
    if (path.endsWith("/api/v3"_L1))
        path.chop(3);  // GitHub Enterprise: https://HOST/api/graphql
    url.setPath(path + u"/graphql"_s, QUrl::StrictMode);
    url.setQuery(QString());
    return url;
}

std::optional<qint64> GitHubClient::blockedUntilMs(bool forNewCollection) const
{
    const qint64 current = now();
    if (m_pausedUntilMs > current)
        return m_pausedUntilMs;
    if (forNewCollection && m_quota.remaining >= 0
        && m_quota.remaining <= m_options.quotaReserve && m_quota.resetAtMs > current) {
        return m_quota.resetAtMs + resetMarginMs;
    }
    return std::nullopt;
}

QCoro::Task<HttpResult> GitHubClient::send(QUrl url, QByteArray method, QByteArray body,
                                           QList<QPair<QByteArray, QByteArray>> extraHeaders,
                                           int *requestsSent)
{
    // GitHub asks integrators not to send many requests at once.
    co_await RequestSlot { this };

    HttpResult result;
    for (int hop = 0;; ++hop) {
        QNetworkRequest request(url);
        request.setTransferTimeout(int(m_options.timeoutMs));
        // Redirects are followed here, so that the token only goes to API_URL's host.
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
        request.setRawHeader("Accept", "application/vnd.github+json");
        request.setRawHeader("X-GitHub-Api-Version", "2022-11-28");
        request.setRawHeader("User-Agent", "hookme/" HOOKME_VERSION);
        if (!m_authorization.isEmpty())
            request.setRawHeader("Authorization", m_authorization);
        for (const auto &[name, value] : extraHeaders)
            request.setRawHeader(name, value);

        result = co_await sendRequest(m_network, request, method, body);
        ++*requestsSent;
        qCDebug(lcGitHub).noquote() << method << url.toDisplayString() << "->"
                                    << (result.status ? QString::number(result.status)
                                                      : result.networkError);

        if (!isRedirect(result.status) || hop == maxRedirects)
            break;
        const QUrl target = url.resolved(QUrl::fromEncoded(result.header("location")));
        if (!target.isValid() || !sameOrigin(target, m_options.apiUrl))
            break;
        url = target;
    }

    releaseRequestSlot();
    co_return result;
}

bool GitHubClient::RequestSlot::await_ready() const noexcept
{
    if (client->m_inFlight >= client->m_options.maxConcurrency)
        return false;
    ++client->m_inFlight;
    return true;
}

void GitHubClient::RequestSlot::await_suspend(std::coroutine_handle<> waiter)
{
    client->m_slotWaiters.push_back(waiter);
}

void GitHubClient::releaseRequestSlot()
{
    if (m_slotWaiters.empty()) {
        --m_inFlight;
        return;
    }
    // The slot passes straight to the longest waiter, so none is ever overtaken or forgotten.
    // It resumes from the event loop, not from inside the request that just ended.
    const std::coroutine_handle<> waiter = m_slotWaiters.front();
    m_slotWaiters.pop_front();
    QMetaObject::invokeMethod(this, [waiter] { waiter.resume(); }, Qt::QueuedConnection);
}

void GitHubClient::noteRateLimits(const HttpResult &result, Reply *reply)
{
    const QByteArray resource = result.header("x-ratelimit-resource");
    bool haveRemaining = false;
    const int remaining = result.header("x-ratelimit-remaining").toInt(&haveRemaining);
    if (haveRemaining && (resource.isEmpty() || resource == "core")) {
        m_quota.remaining = remaining;
        m_quota.limit = result.header("x-ratelimit-limit").toInt();
        m_quota.resetAtMs = result.header("x-ratelimit-reset").toLongLong() * 1000;
        emit rateLimitObserved(m_quota.remaining, m_quota.limit, m_quota.resetAtMs);
    }

    if (result.status != 403 && result.status != 429) {
        if (result.isSuccess() || result.status == 304)
            m_secondaryLimitHits = 0;
        return;
    }

    const qint64 current = now();
    qint64 until = 0;
    QString kind;
    const std::optional<qint64> retryAfter = retryAfterMs(result.header("retry-after"));
    const bool namesSecondaryLimit =
            result.body.contains("secondary rate limit") || result.status == 429;
    if (haveRemaining && remaining == 0 && !retryAfter) {
        // The reset is in epoch seconds; one already past means GitHub may be asked again.
        const qint64 resetMs = result.header("x-ratelimit-reset").toLongLong() * 1000;
        until = std::max(resetMs, current) + resetMarginMs;
        kind = u"primary rate limit"_s;
    } else if (retryAfter || namesSecondaryLimit) {
        ++m_secondaryLimitHits;
        const qint64 base = retryAfter ? std::max<qint64>(*retryAfter, resetMarginMs)
                                       : secondaryLimitWaitMs;
        const int doublings = std::min(m_secondaryLimitHits - 1, 16);
        until = current + std::min(base << doublings, std::max(base, maxSecondaryLimitWaitMs));
        kind = u"secondary rate limit"_s;
    } else {
        return;  // a 403 for another reason
    }

    m_pausedUntilMs = std::max(m_pausedUntilMs, until);
    reply->rateLimitedUntilMs = m_pausedUntilMs;
    reply->error = u"GitHub's %1: waiting until %2"_s.arg(kind, timeText(m_pausedUntilMs));
    qCWarning(lcGitHub).noquote() << u"hit GitHub's %1; no requests until %2"_s.arg(
            kind, timeText(m_pausedUntilMs));
}

QCoro::Task<GitHubClient::Reply> GitHubClient::get(QUrl url, QString cacheKind, Extract extract)
{
    Reply reply;
    if (const std::optional<qint64> until = blockedUntilMs(false)) {
        reply.rateLimitedUntilMs = until;
        reply.error = u"waiting for GitHub's rate limit until %1"_s.arg(timeText(*until));
        co_return reply;
    }

    const QString cacheKey = cacheKind + u' ' + url.toString(QUrl::FullyEncoded);
    const std::optional<StoredResponse> stored =
            m_cache ? m_cache->storedResponse(cacheKey) : std::nullopt;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (stored && !stored->etag.isEmpty())
        headers.append({ "If-None-Match", stored->etag });
    else if (stored && !stored->lastModified.isEmpty())
        headers.append({ "If-Modified-Since", stored->lastModified });

    reply.http = co_await send(url, QByteArrayLiteral("GET"), {}, headers, &reply.requests);
    // GitHub does not count a 304 against the quota when the request was authorized.
    const bool free = reply.http.status == 304 && hasToken();
    reply.quotaRequests = reply.requests - (free ? 1 : 0);
    noteRateLimits(reply.http, &reply);
    if (reply.rateLimitedUntilMs)
        co_return reply;

    if (reply.http.status == 304 && stored) {
        reply.content = stored->content;
        if (!stored->nextLink.isEmpty())
            reply.next = QUrl(stored->nextLink, QUrl::StrictMode);
        co_return reply;
    }
    if (!reply.http.isSuccess()) {
        reply.error = reply.http.describe();
        co_return reply;
    }

    // 204 No Content is GitHub's answer for an empty listing.
    const std::optional<QByteArray> content =
            extract(reply.http.status == 204 ? QByteArrayLiteral("[]") : reply.http.body);
    if (!content) {
        reply.error = u"unexpected answer from %1: %2"_s.arg(url.toDisplayString(),
                                                            reply.http.describe());
        co_return reply;
    }
    reply.content = *content;
    reply.next = findLink(reply.http.header("link"), reply.http.url, u"next"_s);

    const QByteArray etag = reply.http.header("etag");
    const QByteArray lastModified = reply.http.header("last-modified");
    if (m_cache && (!etag.isEmpty() || !lastModified.isEmpty())) {
        m_cache->storeResponse(cacheKey,
                               { etag, lastModified,
                                 reply.next ? reply.next->toString(QUrl::FullyEncoded) : QString(),
                                 reply.content },
                               now());
    }
    co_return reply;
}

QCoro::Task<GitHubClient::Reply> GitHubClient::graphql(QByteArray query, QJsonObject variables)
{
    Reply reply;
    if (const std::optional<qint64> until = blockedUntilMs(false)) {
        reply.rateLimitedUntilMs = until;
        reply.error = u"waiting for GitHub's rate limit until %1"_s.arg(timeText(*until));
        co_return reply;
    }

    const QJsonObject body { { u"query"_s, QString::fromUtf8(query) },
                             { u"variables"_s, variables } };
    const QList<QPair<QByteArray, QByteArray>> headers {
        { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") }
    };
    reply.http = co_await send(graphqlEndpoint(), QByteArrayLiteral("POST"),
                               QJsonDocument(body).toJson(QJsonDocument::Compact), headers,
                               &reply.requests);
    reply.quotaRequests = reply.requests;
    noteRateLimits(reply.http, &reply);
    if (reply.rateLimitedUntilMs)
        co_return reply;
    if (!reply.http.isSuccess())
        reply.error = reply.http.describe();
    else
        reply.content = reply.http.body;
    co_return reply;
}

QCoro::Task<GitHubClient::Listing>
GitHubClient::fetchAllPages(QUrl firstPage, QString cacheKind, Extract extract,
                            std::function<void(const QByteArray &)> onPage)
{
    Listing listing;
    std::optional<QUrl> next = firstPage;

    while (next) {
        if (listing.pages == maxPages) {
            listing.error = u"GitHub's listing goes on past %1 pages: %2"_s.arg(maxPages).arg(
                    firstPage.toDisplayString());
            co_return listing;
        }
        const QUrl pageUrl = *next;
        listing.last = co_await get(pageUrl, cacheKind, extract);
        listing.requests += listing.last.requests;
        listing.quotaRequests += listing.last.quotaRequests;
        if (!listing.last.ok()) {
            listing.error = listing.last.error;
            co_return listing;
        }

        ++listing.pages;
        onPage(listing.last.content);
        next = listing.last.next;

        if (next && !sameOrigin(*next, m_options.apiUrl)) {
            // The token must never travel to a host other than API_URL's.
            listing.error = u"GitHub's next page link leaves API_URL's host: %1"_s.arg(
                    next->toDisplayString());
            co_return listing;
        }
        if (next && *next == pageUrl) {
            listing.error = u"GitHub's next page link points to the same page: %1"_s.arg(
                    next->toDisplayString());
            co_return listing;
        }
    }

    listing.complete = true;
    co_return listing;
}

} // namespace hookme
