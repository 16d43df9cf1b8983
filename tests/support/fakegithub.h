// A stand-in for the GitHub REST API on 127.0.0.1, written from GitHub's documented behaviour:
// the issue and contributor listings with GitHub's pagination (Link headers that point at
// /repositories/{id}/...), user look-ups, GitHub's 404s, plus failure injection, pacing and a
// record of every request, for the tests, benchmarks and manual checks of hookme.
//
// GET endpoints (owner, repository and login match case-insensitively, as on GitHub):
//   /repos/{owner}/{repo}/issues, /repositories/{id}/issues   state, per_page, page
//   /repos/{owner}/{repo}/contributors, /repositories/{id}/contributors   per_page, page
//   /repos/{owner}/{repo}, /repositories/{id}   a short repository object
//   /users/{login}
// Anything else, and unknown repositories and users: 404 {"message":"Not Found",...}.
#pragma once

#include <QByteArray>
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

struct FakeRepository {
    QString owner;  // e.g. "octo-org"
    QString name;   // e.g. "hello-world"
    int id = 0;     // used in /repositories/{id}/... links; 0: addRepository() picks one > 100000
    // GitHub-shaped issue AND pull-request objects, newest first, as the listing returns them.
    QList<QJsonObject> issues;
    // GitHub-shaped contributor objects, in listing order.
    QList<QJsonObject> contributors;
    // Users that /users/{login} knows, login -> display name (a string, or null for none).
    // addRepository() registers them as addUser() does.
    QHash<QString, QJsonValue> users;
};

class FakeGitHub : public QObject
{
    Q_OBJECT

public:
    struct RecordedRequest {
        QByteArray method;      // "GET"
        QString pathAndQuery;   // as sent, percent-encoded: "/repos/o/r/issues?state=all"
        QList<QPair<QByteArray, QByteArray>> headers;  // as sent

        QByteArray header(const QByteArray &name) const;  // case-insensitive; empty if absent
    };

    explicit FakeGitHub(QObject *parent = nullptr);
    ~FakeGitHub() override;

    // Listens on 127.0.0.1; port 0 picks a free one. On failure see errorString().
    bool listen(quint16 port = 0);
    quint16 port() const;
    QString errorString() const;
    QUrl baseUrl() const;  // http://127.0.0.1:PORT without a trailing slash: hookme's API_URL

    // Adds (or replaces, same id or same owner/name) a repository and returns its id. The items
    // are serialised here, once: later changes to `repository` have no effect. Their
    // repository-dependent URLs (url, html_url, labels[].url, pull_request.url, ...) are pointed
    // at this owner/name first, so the builders' default repository does not leak.
    int addRepository(FakeRepository repository);  // move a big one in to save memory
    void addUser(const QString &login, const QJsonValue &name);  // name: string or null

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

    // Failure injection and pacing. Failures count every request, whatever its path.
    void failNextRequests(int count, int httpStatus);  // GitHub-style JSON error bodies
    // The next `count` requests answer 403 "API rate limit exceeded" with
    // x-ratelimit-remaining: 0 and x-ratelimit-reset `resetInSeconds` from now, as GitHub does
    // when the primary rate limit is exhausted.
    void failNextRequestsWithRateLimit(int count, int resetInSeconds = 1);
    void setResponseDelay(int milliseconds);  // delays every answer, failures included

    // Observation: every request is recorded before it is answered, failed ones included.
    QList<RecordedRequest> requests() const;
    int requestCount(const QString &pathPrefix = {}) const;  // prefix of pathAndQuery
    void clearRequests();

signals:
    void requestReceived();  // emitted after recording, before answering

private:
    struct Repository;
    using Answer = hookme::test::ServerAnswer;

    void handleIssues(Repository *repository, const QHttpServerRequest &request,
                      QHttpServerResponder &&responder);
    void handleContributors(Repository *repository, const QHttpServerRequest &request,
                            QHttpServerResponder &&responder);
    void handleUser(const QString &login, const QHttpServerRequest &request,
                    QHttpServerResponder &&responder);
    void handleRepository(Repository *repository, const QHttpServerRequest &request,
                          QHttpServerResponder &&responder);
    void handleUnknown(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    // Records the request and answers it with an injected failure if one is due.
    bool recordAndCheckFailure(const QHttpServerRequest &request,
                               QHttpServerResponder &responder);
    Answer listing(const QHttpServerRequest &request, const Repository &repository,
                   const QString &collection, const QList<int> &indexes,
                   const QList<QByteArray> &items) const;
    Answer jsonAnswer(int status, const QByteArray &body) const;
    Answer withEtag(const QHttpServerRequest &request, Answer answer) const;
    Answer errorAnswer(int status, const QString &message, const QString &documentationUrl) const;
    void send(QHttpServerResponder &&responder, const Answer &answer);

    Repository *repositoryByName(const QString &owner, const QString &name);
    Repository *repositoryById(const QString &id);

    QHttpServer *m_server = nullptr;
    quint16 m_port = 0;
    QString m_errorString;
    std::vector<std::unique_ptr<Repository>> m_repositories;
    QHash<QString, QPair<QString, QJsonValue>> m_users;  // lower-case login -> (login, name)
    QList<RecordedRequest> m_requests;
    int m_answeredCount = 0;        // for x-ratelimit-used
    qint64 m_rateLimitReset = 0;    // epoch seconds
    int m_failuresLeft = 0;
    int m_failureStatus = 500;
    int m_rateLimitFailuresLeft = 0;
    int m_rateLimitResetInSeconds = 1;
    int m_responseDelayMs = 0;
};
