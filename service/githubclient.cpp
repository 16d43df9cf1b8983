#include "githubclient.h"

#include "linkheader.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcGitHub, "hookme.github", QtInfoMsg)

namespace hookme {

namespace {

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
            && a.port(a.scheme() == "https"_L1 ? 443 : 80)
            == b.port(b.scheme() == "https"_L1 ? 443 : 80);
}

} // namespace

GitHubClient::GitHubClient(QNetworkAccessManager *network, const QUrl &apiUrl,
                           const QString &token, qint64 timeoutMs, QObject *parent)
    : QObject(parent),
      m_network(network),
      m_apiUrl(apiUrl),
      m_authorization(token.isEmpty() ? QByteArray() : "Bearer " + token.toUtf8()),
      m_timeoutMs(timeoutMs)
{
}

QUrl GitHubClient::endpoint(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_apiUrl;
    QString basePath = url.path(QUrl::FullyEncoded);
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path, QUrl::StrictMode);
    url.setQuery(query);
    return url;
}

QCoro::Task<HttpResult> GitHubClient::get(QUrl url)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(int(m_timeoutMs));
    request.setRawHeader("Accept", "application/vnd.github+json");
    request.setRawHeader("X-GitHub-Api-Version", "2022-11-28");
    request.setRawHeader("User-Agent", "hookme/" HOOKME_VERSION);
    if (!m_authorization.isEmpty())
        request.setRawHeader("Authorization", m_authorization);

    qCDebug(lcGitHub).noquote() << "GET" << url.toDisplayString();
    HttpResult result = co_await sendRequest(m_network, request, "GET");
    announceRateLimit(result);
    qCDebug(lcGitHub).noquote() << "GET" << url.toDisplayString() << "->"
                                << (result.status ? QString::number(result.status)
                                                  : result.networkError);
    co_return result;
}

QCoro::Task<GitHubClient::Listing>
GitHubClient::fetchAllPages(QUrl firstPage, std::function<void(const QJsonArray &)> onPage)
{
    Listing listing;
    std::optional<QUrl> next = firstPage;

    while (next) {
        HttpResult page = co_await get(*next);
        ++listing.requests;

        if (page.status == 204) {  // GitHub's answer for an empty listing
            listing.lastResponse = page;
            next = findLink(page.header("link"), page.url, u"next"_s);
            continue;
        }
        if (!page.isSuccess()) {
            listing.error = page.describe();
            listing.lastResponse = page;
            co_return listing;
        }

        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(page.body, &parseError);
        if (!document.isArray()) {
            listing.error = u"GitHub sent %1 instead of a JSON array (%2)"_s
                                    .arg(page.url.toDisplayString(),
                                         parseError.error ? parseError.errorString()
                                                          : u"not an array"_s);
            listing.lastResponse = page;
            co_return listing;
        }
        onPage(document.array());

        next = findLink(page.header("link"), page.url, u"next"_s);
        if (next && !sameOrigin(*next, m_apiUrl)) {
            // The token must never travel to a host other than API_URL's.
            listing.error = u"GitHub's next page link leaves API_URL's host: %1"_s
                                    .arg(next->toDisplayString());
            listing.lastResponse = page;
            co_return listing;
        }
        if (next && *next == page.url) {
            listing.error = u"GitHub's next page link points to the same page: %1"_s
                                    .arg(next->toDisplayString());
            listing.lastResponse = page;
            co_return listing;
        }
        page.body.clear();  // the page was handed over; keep only its headers
        listing.lastResponse = page;
    }

    listing.complete = true;
    co_return listing;
}

void GitHubClient::announceRateLimit(const HttpResult &result)
{
    bool remainingOk = false;
    bool limitOk = false;
    bool resetOk = false;
    const qint64 remaining = result.header("x-ratelimit-remaining").toLongLong(&remainingOk);
    const qint64 limit = result.header("x-ratelimit-limit").toLongLong(&limitOk);
    const qint64 resetAtSeconds = result.header("x-ratelimit-reset").toLongLong(&resetOk);
    if (remainingOk && limitOk && resetOk)
        emit rateLimitObserved(remaining, limit, resetAtSeconds * 1000);
}

} // namespace hookme
