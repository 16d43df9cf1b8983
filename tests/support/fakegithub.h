// A stand-in for the GitHub REST and GraphQL APIs on 127.0.0.1, written from GitHub's
// documented behaviour: the issue and contributor listings with GitHub's pagination (Link headers
// that point at /repositories/{id}/...), user look-ups over REST and GraphQL, conditional
// requests, the primary and secondary rate limits, renamed repositories, GitHub's error answers,
// the GitHub Enterprise Server layout, plus failure injection, pacing and a record of every
// request, for the tests, benchmarks and manual checks of hookme.
//
// REST, GET, under apiUrl() (owner, repository and login match case-insensitively, as on GitHub):
//   /repos/{owner}/{repo}/issues, /repositories/{id}/issues   state, per_page, page
//   /repos/{owner}/{repo}/contributors, /repositories/{id}/contributors   anon, per_page, page
//   /repos/{owner}/{repo}, /repositories/{id}   a short repository object
//   /users/{login}
// Anything else, and unknown repositories and users: 404 {"message":"Not Found",...}.
// GraphQL: POST graphqlUrl() (/graphql; /api/graphql with the GHES prefix /api/v3), user
// look-ups only (see graphqluserquery.h).
//
// Conditional requests: every 200 of the listings, the repository object and /users carries a
// strong ETag (the MD5 of the body, so it follows the content) and a Last-Modified (when the
// repository or user was last added or replaced). If-None-Match (compared weakly; lists and *)
// or, without it, If-Modified-Since answer 304 without a body, keeping ETag, Last-Modified,
// Cache-Control, Link and the rate-limit headers. Errors, 204 and redirects have no ETag.
//
// Every answer carries x-ratelimit-limit/-remaining/-used/-reset/-resource (core for REST,
// graphql for GraphQL) as they stand after the request. A REST request counts against the core
// quota except: a 304 to a request with an Authorization header (GitHub: "does not count against
// your primary rate limit if a 304 response is returned and the request was made while correctly
// authorized"), a 401, and a primary-rate-limit refusal. Injected failures and secondary-limit
// refusals count. An authenticated GraphQL request counts 1 against the graphql quota.
//
// The order of the checks: record the request; injected failures (failNextRequests, then
// failNextRequestsWithRateLimit, then failNextRequestsWithSecondaryLimit); credentials (401);
// GraphQL; the primary REST quota (403/429); then the route.
#pragma once

#include "loopbackserver.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <vector>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;
namespace hookme::test {
struct ServerAnswer;
}

// What GitHub says a login is: REST /users/{login} answers all three, with this "type" (a login
// ending in "[bot]" is a Bot whatever is given), GraphQL user(login:) finds only users.
enum class UserKind { User, Bot, Organization };

struct FakeRepository {
    QString owner;  // e.g. "octo-org"
    QString name;   // e.g. "hello-world"
    int id = 0;     // used in /repositories/{id}/... links; 0: addRepository() picks one > 100000
    // GitHub-shaped issue AND pull-request objects, newest first, as the listing returns them.
    QList<QJsonObject> issues;
    // GitHub-shaped contributor objects, in listing order. Those without a "login" (see
    // makeAnonymousContributor()) are listed only with anon=1 or anon=true, as on GitHub.
    QList<QJsonObject> contributors;
    // Users that /users/{login} knows, login -> display name (a string, or null for none).
    // addRepository() registers them as addUser() does.
    QHash<QString, QJsonValue> users;
    // The issue listing answers 410 {"message":"Issues are disabled for this repo",...} and the
    // repository object says "has_issues": false.
    bool issuesDisabled = false;
    // The contributor listing answers 403 {"message":"The history or contributor list is too
    // large to list contributors for this repository via the API.",...}, as GitHub does for
    // very big repositories.
    bool contributorsTooLarge = false;
};

class FakeGitHub : public LoopbackServer
{
    Q_OBJECT

public:
    struct RecordedRequest {
        QByteArray method;      // "GET", "POST"
        QString pathAndQuery;   // as sent, percent-encoded: "/repos/o/r/issues?state=all"
        QList<QPair<QByteArray, QByteArray>> headers;  // as sent
        QByteArray body;        // as sent; empty for GET

        QByteArray header(const QByteArray &name) const;  // case-insensitive; empty if absent
    };

    explicit FakeGitHub(QObject *parent = nullptr);
    ~FakeGitHub() override;

    // Listens on 127.0.0.1; port 0 picks a free one. On failure see errorString().
    QUrl baseUrl() const;  // http://127.0.0.1:PORT without a trailing slash: the host root
    QUrl apiUrl() const;   // baseUrl() + the API path prefix: hookme's API_URL
    QUrl graphqlUrl() const;  // baseUrl() + /graphql, or + /api/graphql under /api/v3

    // GitHub Enterprise Server serves REST under /api/v3 and GraphQL at /api/graphql. With a
    // prefix (e.g. "/api/v3"; leading '/' optional, trailing '/' dropped) REST is served only
    // under it, Link and Location URLs include it, and GraphQL moves to {prefix minus "/v3"}
    // /graphql. Requests outside it answer 404. Empty (the default): github.com's layout.
    void setApiPathPrefix(const QString &prefix);
    // Listings page with an opaque "after" cursor and links without "last" or page numbers.
    void setCursorPagination(bool enabled);
    QString apiPathPrefix() const;

    // Adds (or replaces, same id or same owner/name) a repository and returns its id. The items
    // are serialised here, once: later changes to `repository` have no effect. Their
    // repository-dependent URLs (url, html_url, labels[].url, pull_request.url, ...) are pointed
    // at this owner/name first, so the builders' default repository does not leak.
    int addRepository(FakeRepository repository);  // move a big one in to save memory
    // Replace the issues or contributors of a repository that was added (false if unknown), so
    // that a test can change it between two tasks: the ETags and Last-Modified follow.
    bool replaceIssues(const QString &owner, const QString &name, QList<QJsonObject> issues);
    bool replaceContributors(const QString &owner, const QString &name,
                             QList<QJsonObject> contributors);
    // name: a string or null. Adding a login again replaces it.
    void addUser(const QString &login, const QJsonValue &name, UserKind kind = UserKind::User);

    // The repository once called oldOwner/oldName is now repositoryId (renamed or transferred):
    // GitHub answers requests under /repos/{oldOwner}/{oldName}[/...] with 301 (307 for methods
    // other than GET and HEAD), Location {apiUrl}/repositories/{id}[/... same sub-path][?same
    // query] and {"message":"Moved Permanently","url":Location,"documentation_url":...}. A
    // repository added under the old name takes precedence, as on GitHub.
    void addRename(const QString &oldOwner, const QString &oldName, int repositoryId);

    // When set, a request whose Authorization ("Bearer X" or "token X") carries another token
    // answers 401 {"message":"Bad credentials",...}. Requests without Authorization stay
    // anonymous and allowed (REST); GraphQL always requires one. Empty: every token is good.
    void setAcceptedToken(const QString &token);

    // GitHub-shaped builders. The URLs use https://api.github.com and the repository
    // octo-org/hello-world until addRepository() points them at their repository. Issue ids are
    // above 2^31 as on GitHub today. An empty authorLogin gives "user": null (a deleted account).
    static QJsonObject makeIssue(int number, const QString &title, const QString &authorLogin,
                                 const QStringList &labels = {},
                                 const QString &state = QStringLiteral("open"));
    static QJsonObject makePullRequest(int number, const QString &title,
                                       const QString &authorLogin,
                                       const QStringList &labels = {},
                                       const QString &state = QStringLiteral("open"));
    static QJsonObject makeContributor(const QString &login, int contributions);
    // GitHub's shape for commits whose e-mail matches no account:
    // {"email":...,"name":...,"type":"Anonymous","contributions":N}.
    static QJsonObject makeAnonymousContributor(const QString &name, const QString &email,
                                                int contributions);
    static QJsonObject makeUser(const QString &login, const QJsonValue &name);  // /users/{login}
    static QJsonObject makeLabel(const QString &name);
    static qint64 userId(const QString &login);  // the stable id the builders give a login

    // A generated repository for benchmarks and demos: issue and pull-request numbers 1 ..
    // issueCount + pullRequestCount (newest first), the pull requests spread evenly (with
    // pullRequestCount = issueCount / 4 every 5th number is one); titles "Issue 17" and
    // "Pull request 20"; every 3rd issue closed; labels from a fixed set including non-ASCII
    // names ("café ☕", "ドキュメント"); issue #1 has "user": null; authors come from a pool of
    // max(contributorCount, 8) users "dev-1", "dev-2", ... whose display names are set, some
    // non-ASCII, every 7th null; the first contributorCount of them are the contributors, with
    // decreasing contributions. All of them are in `users`.
    static FakeRepository generateRepository(const QString &owner, const QString &name,
                                             int issueCount, int pullRequestCount,
                                             int contributorCount, int id = 0);

    // The primary REST ("core") quota. By default it is 5000 and never enforced: requests
    // count and the headers say so, but nothing is refused. setRateLimit() enforces it: each
    // counted request takes one; with none left, REST requests answer 403 (or the status of
    // setRateLimitStatus(): GitHub documents 403 or 429) with x-ratelimit-remaining: 0 and
    // {"message":"API rate limit exceeded for ...","documentation_url":...}, until the reset
    // time passes, when the quota is full again for a new hour, as on GitHub.
    void setRateLimit(int limit, int remaining, qint64 resetEpochSeconds);
    void resetRateLimit(int remaining);  // refills (or drains) now, keeping limit and reset
    void setRateLimitStatus(int httpStatus);  // 403 (default) or 429
    int rateLimitRemaining() const;  // core, as the next answer would report it before counting

    // Failure injection and pacing. Failures count every request, whatever its path.
    void failNextRequests(int count, int httpStatus);  // GitHub-style JSON error bodies
    // The next `count` requests answer 403 "API rate limit exceeded" with
    // x-ratelimit-remaining: 0 and x-ratelimit-reset `resetInSeconds` from now, as GitHub does
    // when the primary rate limit is exhausted. They do not count against the quota.
    void failNextRequestsWithRateLimit(int count, int resetInSeconds = 1);
    // The next `count` requests answer `httpStatus` (GitHub documents 403 or 429) with
    // {"message":"You have exceeded a secondary rate limit. Please wait a few minutes before
    // you try again.",...} and retry-after: retryAfterSeconds (none when -1); the rate-limit
    // headers show the quota as it is (remaining > 0).
    void failNextRequestsWithSecondaryLimit(int count, int retryAfterSeconds,
                                            int httpStatus = 403);
    void setResponseDelay(int milliseconds);  // delays every answer, failures included

    // Observation: every request is recorded before it is answered, failed ones included.
    QList<RecordedRequest> requests() const;
    int requestCount(const QString &pathPrefix = {}) const;  // prefix of pathAndQuery
    void clearRequests();
    int graphqlRequestCount() const;  // GraphQL requests counted against the graphql quota

signals:
    void requestReceived();  // emitted after recording, before answering

private:
    struct Repository;
    struct User;
    struct Quota;
    struct Rename;
    enum class Resource { Core, GraphQL };
    using Answer = hookme::test::ServerAnswer;

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder) override;
    // The answer to a request, before the rate-limit headers; sets *counts when it does not
    // count against the quota.
    Answer answer(const QHttpServerRequest &request, Resource resource, bool *counts);
    Answer injectedFailure(const QHttpServerRequest &request, Resource resource, bool *counts);
    Answer restAnswer(const QHttpServerRequest &request, const QString &path);
    Answer graphqlAnswer(const QHttpServerRequest &request);

    Answer issues(const QHttpServerRequest &request, const Repository &repository);
    Answer contributors(const QHttpServerRequest &request, const Repository &repository);
    Answer repositoryObject(const QHttpServerRequest &request, const Repository &repository);
    Answer user(const QHttpServerRequest &request, const QString &login);
    Answer redirect(const QHttpServerRequest &request, int repositoryId,
                    const QString &encodedRest);

    Answer listing(const QHttpServerRequest &request, const Repository &repository,
                   const QString &collection, const QList<int> &indexes,
                   const QList<QByteArray> &items) const;
    Answer jsonAnswer(int status, const QByteArray &body, Resource resource = Resource::Core)
            const;
    Answer conditional(const QHttpServerRequest &request, Answer answer,
                       const QDateTime &lastModified) const;
    Answer errorAnswer(int status, const QString &message, const QString &documentationUrl,
                       Resource resource = Resource::Core) const;
    Answer rateLimitExceeded(const QHttpServerRequest &request, int status, qint64 reset) const;
    void addRateLimitHeaders(Answer &answer, Resource resource) const;
    void send(QHttpServerResponder &&responder, const Answer &answer);

    Quota &quota(Resource resource) const;
    QDateTime changeTime(const QDateTime &previous) const;
    Repository *repositoryByName(const QString &owner, const QString &name);
    Repository *repositoryById(const QString &id);

    QString m_apiPrefix;  // "" or "/api/v3"
    std::vector<std::unique_ptr<Repository>> m_repositories;
    QHash<QString, User> m_users;  // by lower-case login
    QList<Rename> m_renames;
    QString m_acceptedToken;
    QList<RecordedRequest> m_requests;
    qint64 m_requestSequence = 0;  // for x-github-request-id
    std::unique_ptr<Quota> m_core;
    std::unique_ptr<Quota> m_graphql;
    int m_graphqlRequestCount = 0;
    int m_rateLimitStatus = 403;
    int m_failuresLeft = 0;
    int m_failureStatus = 500;
    int m_rateLimitFailuresLeft = 0;
    int m_rateLimitResetInSeconds = 1;
    int m_secondaryFailuresLeft = 0;
    int m_secondaryRetryAfter = -1;
    int m_secondaryStatus = 403;
    int m_responseDelayMs = 0;
    bool m_cursorPagination = false;
};
