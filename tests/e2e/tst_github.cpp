// End-to-end: how hookme copes with GitHub's real behaviour (rate limits, conditional
// requests, renamed repositories, disabled issues, GraphQL, GitHub Enterprise paths), and how
// much quota it spends. The real hookme binary runs against the fake GitHub on loopback.
#include "endtoendservers.h"
#include "hookmeprocess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

const QString token = u"ghp_test_token_1234567890"_s;

// Two issues, one pull request, two contributors with names.
FakeRepository smallRepository(const QString &owner = u"octo-org"_s,
                               const QString &name = u"hello-world"_s, int id = 42)
{
    FakeRepository repository;
    repository.owner = owner;
    repository.name = name;
    repository.id = id;
    repository.issues = { FakeGitHub::makeIssue(3, u"Second"_s, u"octocat"_s, { u"bug"_s }),
                          FakeGitHub::makePullRequest(2, u"A fix"_s, u"hubot"_s),
                          FakeGitHub::makeIssue(1, u"First"_s, u"hubot"_s) };
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 10),
                                FakeGitHub::makeContributor(u"hubot"_s, 3) };
    repository.users = { { u"octocat"_s, u"The Octocat"_s }, { u"hubot"_s, u"Hubot"_s } };
    return repository;
}

QJsonObject deliveredReport(const WebhookReceiver &receiver, int index = 0)
{
    return QJsonDocument::fromJson(receiver.deliveries().at(index).body).object();
}

} // namespace

class tst_GitHub : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void sendsGitHubsHeadersAndTheToken();
    void sendsNoAuthorizationWithoutAToken();
    void followsCursorLinksExactlyAsGiven();
    void followsARenamedRepositoryAndKeepsTheGivenNames();
    void reportsDisabledIssuesAsAWarning();
    void reportsATooLargeContributorListAsAWarning();
    void includesAnonymousContributorsOnlyWhenAsked();
    void failsAtOnceForUnretryableAnswers_data();
    void failsAtOnceForUnretryableAnswers();
    void waitsForThePrimaryRateLimitWithoutUsingARetry();
    void waitsForASecondaryRateLimit();
    void startsNoCollectionWhenTheQuotaRunsLow();
    void keepsAtMostTheConfiguredRequestsInFlight();
    void repeatsAnUnchangedTaskWithoutSpendingQuota();
    void resolvesNamesInOneGraphQLQueryAndFallsBackToRest();
    void worksWithGitHubEnterprisePaths();
    void collectCommandPrintsTheReport();

private:
    QJsonObject waitForTask(HookmeProcess &hookme, const QString &id, const QString &state);

    std::unique_ptr<EndToEndServers> m_servers;
};

void tst_GitHub::init()
{
    m_servers = std::make_unique<EndToEndServers>();
    QVERIFY(m_servers->start());
}

void tst_GitHub::cleanup()
{
    m_servers.reset();
}

QJsonObject tst_GitHub::waitForTask(HookmeProcess &hookme, const QString &id,
                                    const QString &state)
{
    QJsonObject task;
    const bool reached = QTest::qWaitFor(
            [&] {
                task = hookme.get(u"/tasks/"_s + id).json();
                return task.value("state"_L1).toString() == state;
            },
            20'000);
    // The callers compare the task's fields, which then show where it stopped instead.
    if (!reached)
        qWarning().noquote() << "task" << id << "did not become" << state << "but is" << task;
    return task;
}

void tst_GitHub::sendsGitHubsHeadersAndTheToken()
{
    m_servers->github.addRepository(smallRepository());
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"API_TOKEN"_s, token } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    QCOMPARE(waitForTask(hookme, id, u"delivered"_s)["state"_L1].toString(), u"delivered"_s);

    QVERIFY(m_servers->github.requestCount() > 0);
    for (const FakeGitHub::RecordedRequest &request : m_servers->github.requests()) {
        QCOMPARE(request.header("Authorization"), "Bearer " + token.toUtf8());
        QCOMPARE(request.header("X-GitHub-Api-Version"), "2022-11-28");
        QCOMPARE(request.header("Accept"), "application/vnd.github+json");
        QVERIFY(request.header("User-Agent").startsWith("hookme/"));
    }
    // The token never reaches the log, even at debug level.
    QVERIFY(!hookme.output().contains(token));
}

void tst_GitHub::sendsNoAuthorizationWithoutAToken()
{
    m_servers->github.addRepository(smallRepository());
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    QCOMPARE(waitForTask(hookme, id, u"delivered"_s)["state"_L1].toString(), u"delivered"_s);

    for (const FakeGitHub::RecordedRequest &request : m_servers->github.requests())
        QVERIFY(request.header("Authorization").isEmpty());
    // Without a token, names come from REST, one user at a time.
    QCOMPARE(m_servers->github.graphqlRequestCount(), 0);
    QCOMPARE(m_servers->github.requestCount(u"/users/"_s), 2);
}

void tst_GitHub::followsCursorLinksExactlyAsGiven()
{
    FakeRepository repository = smallRepository();
    repository.issues.clear();
    for (int number = 250; number >= 1; --number)
        repository.issues.append(FakeGitHub::makeIssue(number, u"Issue %1"_s.arg(number), {}));
    m_servers->github.addRepository(repository);
    m_servers->github.setCursorPagination(true);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    const QJsonObject task = waitForTask(hookme, id, u"delivered"_s);

    const QJsonArray issues = deliveredReport(m_servers->receiver)["issues"_L1].toArray();
    QCOMPARE(issues.size(), 250);
    QCOMPARE(issues.first()["title"_L1].toString(), u"Issue 250"_s);
    QCOMPARE(issues.last()["title"_L1].toString(), u"Issue 1"_s);
    // Three pages, the later two by cursor; no page URL was made up.
    QStringList issuePages;
    for (const FakeGitHub::RecordedRequest &request : m_servers->github.requests()) {
        if (request.pathAndQuery.contains("/issues"_L1))
            issuePages.append(request.pathAndQuery);
    }
    QCOMPARE(issuePages.size(), 3);
    QVERIFY2(issuePages.at(1).startsWith("/repositories/42/issues?"_L1),
             qPrintable(issuePages.at(1)));
    QVERIFY2(issuePages.at(2).contains("after="_L1), qPrintable(issuePages.at(2)));
    QVERIFY(!QUrlQuery(issuePages.at(2).section(u'?', 1)).hasQueryItem(u"page"_s));
    QCOMPARE(task["github_requests"_L1].toInt(), 3 + 1 + 2);
}

void tst_GitHub::followsARenamedRepositoryAndKeepsTheGivenNames()
{
    m_servers->github.addRepository(smallRepository(u"octo-org"_s, u"new-name"_s, 1000));
    m_servers->github.addRename(u"octo-org"_s, u"old-name"_s, 1000);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"API_TOKEN"_s, token } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"old-name"_s).json()["id"_L1].toString();
    QCOMPARE(waitForTask(hookme, id, u"delivered"_s)["state"_L1].toString(), u"delivered"_s);

    const QJsonObject report = deliveredReport(m_servers->receiver);
    QCOMPARE(report["repository"_L1].toString(), u"old-name"_s);
    QCOMPARE(report["issues"_L1].toArray().size(), 2);
    QCOMPARE(m_servers->github.requestCount(u"/repos/octo-org/old-name/issues"_s), 1);
    QCOMPARE(m_servers->github.requestCount(u"/repositories/1000/issues"_s), 1);
    // The token went along to the new address, which is on the same host.
    for (const FakeGitHub::RecordedRequest &request : m_servers->github.requests())
        QCOMPARE(request.header("Authorization"), "Bearer " + token.toUtf8());
}

void tst_GitHub::reportsDisabledIssuesAsAWarning()
{
    FakeRepository repository = smallRepository();
    repository.issuesDisabled = true;
    m_servers->github.addRepository(repository);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    QCOMPARE(waitForTask(hookme, id, u"delivered"_s)["attempts_made"_L1].toInt(), 1);

    QCOMPARE(m_servers->receiver.deliveries().first().body,
             R"({"user":"octo-org","repository":"hello-world","issues":[],)"
             R"("contributors":[{"name":"The Octocat","user":"octocat","qtd_commits":10},)"
             R"({"name":"Hubot","user":"hubot","qtd_commits":3}],)"
             R"("warnings":[{"part":"issues","reason":"issues are disabled for this repository"}]})");
}

void tst_GitHub::reportsATooLargeContributorListAsAWarning()
{
    FakeRepository repository = smallRepository();
    repository.contributorsTooLarge = true;
    m_servers->github.addRepository(repository);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    const QJsonObject task = waitForTask(hookme, id, u"delivered"_s);
    QCOMPARE(task["attempts_made"_L1].toInt(), 1);  // no retry, no waiting

    const QJsonObject report = deliveredReport(m_servers->receiver);
    QCOMPARE(report["issues"_L1].toArray().size(), 2);
    QCOMPARE(report["contributors"_L1].toArray(), QJsonArray());
    const QJsonArray warnings = report["warnings"_L1].toArray();
    QCOMPARE(warnings.size(), 1);
    QCOMPARE(warnings[0]["part"_L1].toString(), u"contributors"_s);
    QVERIFY(warnings[0]["reason"_L1].toString().contains("too large"_L1));
}

void tst_GitHub::includesAnonymousContributorsOnlyWhenAsked()
{
    FakeRepository repository = smallRepository();
    repository.contributors.insert(
            1, FakeGitHub::makeAnonymousContributor(u"Jane Doe"_s, u"jane@example.com"_s, 5));
    m_servers->github.addRepository(repository);

    {
        HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
        QVERIFY(hookme.start());
        const QString id =
                hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
        waitForTask(hookme, id, u"delivered"_s);
        QCOMPARE(deliveredReport(m_servers->receiver)["contributors"_L1].toArray().size(), 2);
    }

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"CONTRIBUTORS_ANON"_s, u"true"_s } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    waitForTask(hookme, id, u"delivered"_s);
    const QJsonArray contributors = deliveredReport(m_servers->receiver, 1)["contributors"_L1].toArray();
    QCOMPARE(contributors.size(), 3);
    QCOMPARE(contributors[1].toObject(),
             (QJsonObject { { u"name"_s, u"Jane Doe"_s }, { u"user"_s, QJsonValue::Null },
                            { u"qtd_commits"_s, 5 } }));
}

void tst_GitHub::failsAtOnceForUnretryableAnswers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::newRow("blocked for legal reasons")
            << 451 << u"listing issues: the repository is blocked for legal reasons (HTTP 451)"_s;
    QTest::newRow("token refused")
            << 401 << u"listing issues: GitHub refused the configured API_TOKEN (HTTP 401)"_s;
}

void tst_GitHub::failsAtOnceForUnretryableAnswers()
{
    QFETCH(int, status);
    QFETCH(QString, error);

    m_servers->github.addRepository(smallRepository());
    if (status == 401)
        m_servers->github.setAcceptedToken(u"another-token"_s);
    else
        m_servers->github.failNextRequests(1, status);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"API_TOKEN"_s, token } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    const QJsonObject task = waitForTask(hookme, id, u"failed"_s);
    QCOMPARE(task["attempts_made"_L1].toInt(), 1);
    QCOMPARE(task["last_error"_L1].toString(), error);
    QTest::qWait(300);
    QCOMPARE(m_servers->github.requestCount(), 1);
    QCOMPARE(m_servers->receiver.deliveries().size(), 0);
    QVERIFY(!hookme.output().contains(token));
}

void tst_GitHub::waitsForThePrimaryRateLimitWithoutUsingARetry()
{
    m_servers->github.addRepository(smallRepository());
    // Two requests left; the collection needs four (issues, contributors, two names).
    const qint64 reset = QDateTime::currentSecsSinceEpoch() + 3;
    m_servers->github.setRateLimit(60, 2, reset);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"RETRY_MAX_ATTEMPTS"_s, u"0"_s },
                                                       { u"GITHUB_QUOTA_RESERVE"_s, u"0"_s } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();

    // Deferred, not failed: back to scheduled, no attempt counted, waiting until the reset.
    QJsonObject task;
    QVERIFY(QTest::qWaitFor(
            [&] {
                task = hookme.get(u"/tasks/"_s + id).json();
                return !task["rate_limited_until"_L1].isNull();
            },
            10'000));
    QCOMPARE(task["state"_L1].toString(), u"scheduled"_s);
    QCOMPARE(task["attempts_made"_L1].toInt(), 0);
    const QDateTime until =
            QDateTime::fromString(task["rate_limited_until"_L1].toString(), Qt::ISODateWithMs);
    QCOMPARE(until.toSecsSinceEpoch(), reset + 1);
    const int requestsBeforeReset = m_servers->github.requestCount();

    m_servers->github.resetRateLimit(60);
    task = waitForTask(hookme, id, u"delivered"_s);
    QCOMPARE(task["attempts_made"_L1].toInt(), 1);
    QVERIFY(task["rate_limited_until"_L1].isNull());
    QVERIFY(QDateTime::currentSecsSinceEpoch() >= reset + 1);
    // Nothing was asked between the refusal and the reset.
    QCOMPARE(requestsBeforeReset, 3);
}

void tst_GitHub::waitsForASecondaryRateLimit()
{
    m_servers->github.addRepository(smallRepository());
    m_servers->github.failNextRequestsWithSecondaryLimit(1, 1);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"RETRY_MAX_ATTEMPTS"_s, u"0"_s } }));
    QVERIFY(hookme.start());
    const qint64 submittedAt = QDateTime::currentMSecsSinceEpoch();
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();

    const QJsonObject task = waitForTask(hookme, id, u"delivered"_s);
    QCOMPARE(task["attempts_made"_L1].toInt(), 1);
    // Retry-After: 1 was respected before GitHub was asked again.
    const QList<FakeGitHub::RecordedRequest> requests = m_servers->github.requests();
    QVERIFY(requests.size() >= 2);
    QVERIFY(QDateTime::currentMSecsSinceEpoch() - submittedAt >= 1000);
}

void tst_GitHub::startsNoCollectionWhenTheQuotaRunsLow()
{
    m_servers->github.addRepository(smallRepository());
    m_servers->github.addRepository(smallRepository(u"octo-org"_s, u"second"_s, 43));
    const qint64 reset = QDateTime::currentSecsSinceEpoch() + 3;
    m_servers->github.setRateLimit(60, 14, reset);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"GITHUB_QUOTA_RESERVE"_s, u"10"_s } }));
    QVERIFY(hookme.start());

    // 14 left: the first collection starts, and spends 4.
    const QString first = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    QCOMPARE(waitForTask(hookme, first, u"delivered"_s)["github_requests"_L1].toInt(), 4);
    QCOMPARE(m_servers->github.rateLimitRemaining(), 10);

    // 10 left, the reserve: the next one waits for the reset without asking anything.
    const QString second = hookme.submit(u"octo-org"_s, u"second"_s).json()["id"_L1].toString();
    QJsonObject task;
    QVERIFY(QTest::qWaitFor(
            [&] {
                task = hookme.get(u"/tasks/"_s + second).json();
                return !task["rate_limited_until"_L1].isNull();
            },
            10'000));
    QCOMPARE(task["github_requests"_L1].toInt(), 0);
    QCOMPARE(task["attempts_made"_L1].toInt(), 0);
    QCOMPARE(QDateTime::fromString(task["rate_limited_until"_L1].toString(), Qt::ISODateWithMs)
                     .toSecsSinceEpoch(),
             reset + 1);
    QCOMPARE(m_servers->github.rateLimitRemaining(), 10);

    m_servers->github.resetRateLimit(60);
    QCOMPARE(waitForTask(hookme, second, u"delivered"_s)["attempts_made"_L1].toInt(), 1);
}

void tst_GitHub::keepsAtMostTheConfiguredRequestsInFlight()
{
    const int taskCount = 6;
    for (int i = 0; i < taskCount; ++i) {
        FakeRepository repository = smallRepository(u"octo-org"_s, u"repo-%1"_s.arg(i), 50 + i);
        repository.contributors = {};  // two requests a task: issues, contributors
        m_servers->github.addRepository(repository);
    }
    const int delayMs = 300;
    m_servers->github.setResponseDelay(delayMs);

    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"GITHUB_MAX_CONCURRENCY"_s, u"2"_s },
                                    { u"WORKER_CONCURRENCY"_s, u"6"_s },
                                    { u"SCHEDULE_INTERVAL"_s, u"500"_s } }));
    QVERIFY(hookme.start());
    QStringList ids;
    for (int i = 0; i < taskCount; ++i)
        ids.append(hookme.submit(u"octo-org"_s, u"repo-%1"_s.arg(i)).json()["id"_L1].toString());

    QElapsedTimer elapsed;
    elapsed.start();
    QTRY_COMPARE_WITH_TIMEOUT(m_servers->receiver.deliveries().size(), taskCount, 30'000);
    // Twelve requests, two at a time, each answered after 300 ms: six rounds at least. All
    // six tasks at once would have taken two rounds.
    QVERIFY2(elapsed.elapsed() >= 6 * delayMs - 500 - 100,
             qPrintable(QString::number(elapsed.elapsed())));
    QCOMPARE(m_servers->github.requestCount(), 2 * taskCount);
}

void tst_GitHub::repeatsAnUnchangedTaskWithoutSpendingQuota()
{
    m_servers->github.addRepository(smallRepository());
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"API_TOKEN"_s, token },
                                                       { u"NAME_CACHE_TTL"_s, u"0"_s } }));
    QVERIFY(hookme.start());

    const QString first = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    const QJsonObject firstTask = waitForTask(hookme, first, u"delivered"_s);
    // The floor: one page of issues, one of contributors, one GraphQL query for both names.
    QCOMPARE(firstTask["github_requests"_L1].toInt(), 3);
    QCOMPARE(firstTask["github_quota_requests"_L1].toInt(), 3);

    const QString second =
            hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    QVERIFY(second != first);
    const QJsonObject secondTask = waitForTask(hookme, second, u"delivered"_s);
    // Both listings answered 304; names are asked again (NAME_CACHE_TTL=0) through GraphQL.
    QCOMPARE(secondTask["github_requests"_L1].toInt(), 3);
    QCOMPARE(secondTask["github_quota_requests"_L1].toInt(), 1);
    QCOMPARE(m_servers->receiver.deliveries().at(1).body, m_servers->receiver.deliveries().at(0).body);

    // A change shows: the issue listing answers 200 again.
    m_servers->github.replaceIssues(u"octo-org"_s, u"hello-world"_s,
                            { FakeGitHub::makeIssue(4, u"Third"_s, u"octocat"_s) });
    const QString third = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    const QJsonObject thirdTask = waitForTask(hookme, third, u"delivered"_s);
    QCOMPARE(thirdTask["github_quota_requests"_L1].toInt(), 2);
    QCOMPARE(deliveredReport(m_servers->receiver, 2)["issues"_L1].toArray().size(), 1);
}

void tst_GitHub::resolvesNamesInOneGraphQLQueryAndFallsBackToRest()
{
    FakeRepository repository = smallRepository();
    repository.contributors.append(FakeGitHub::makeContributor(u"dependabot[bot]"_s, 8));
    repository.contributors.append(FakeGitHub::makeContributor(u"ghost-user"_s, 1));
    m_servers->github.addRepository(repository);
    m_servers->github.addUser(u"dependabot[bot]"_s, u"Dependabot"_s, UserKind::Bot);
    m_servers->github.addUser(u"ghost-user"_s, QJsonValue::Null);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"API_TOKEN"_s, token } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    const QJsonObject task = waitForTask(hookme, id, u"delivered"_s);

    QCOMPARE(m_servers->github.graphqlRequestCount(), 1);
    // GraphQL resolves users only; the bot is asked through REST.
    QCOMPARE(m_servers->github.requestCount(u"/users/"_s), 1);
    QCOMPARE(m_servers->github.requestCount(u"/users/dependabot%5Bbot%5D"_s), 1);
    QCOMPARE(task["github_requests"_L1].toInt(), 4);

    const QJsonArray contributors = deliveredReport(m_servers->receiver)["contributors"_L1].toArray();
    QStringList names;
    for (const QJsonValue &contributor : contributors)
        names.append(contributor["name"_L1].isNull() ? u"null"_s
                                                     : contributor["name"_L1].toString());
    QCOMPARE(names, (QStringList { u"The Octocat"_s, u"Hubot"_s, u"Dependabot"_s, u"null"_s }));
}

void tst_GitHub::worksWithGitHubEnterprisePaths()
{
    m_servers->github.setApiPathPrefix(u"/api/v3"_s);
    m_servers->github.addRepository(smallRepository());

    // With a trailing slash, as people often write it.
    const QString apiUrl = m_servers->github.baseUrl().toString() + u"/api/v3/"_s;
    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"API_URL"_s, apiUrl }, { u"API_TOKEN"_s, token } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
    waitForTask(hookme, id, u"delivered"_s);

    QCOMPARE(m_servers->github.requestCount(u"/api/v3/repos/octo-org/hello-world/issues"_s), 1);
    QCOMPARE(m_servers->github.requestCount(u"/api/graphql"_s), 1);
    QCOMPARE(deliveredReport(m_servers->receiver)["contributors"_L1].toArray()[0]["name"_L1].toString(),
             u"The Octocat"_s);
}

void tst_GitHub::collectCommandPrintsTheReport()
{
    m_servers->github.addRepository(smallRepository());

    QProcess process;
    QProcessEnvironment environment;
    environment.insert(u"API_URL"_s, m_servers->github.apiUrl().toString());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(HOOKME_BINARY), { u"collect"_s, u"octo-org/hello-world"_s });
    // The fake GitHub answers from this thread's event loop: wait without blocking it.
    QVERIFY(QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 20'000));

    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(),
             R"({"user":"octo-org","repository":"hello-world","issues":[)"
             R"({"title":"Second","author":"octocat","labels":["bug"]},)"
             R"({"title":"First","author":"hubot","labels":[]}],)"
             R"("contributors":[{"name":"The Octocat","user":"octocat","qtd_commits":10},)"
             R"({"name":"Hubot","user":"hubot","qtd_commits":3}]})"
             "\n");
    const QByteArray progress = process.readAllStandardError();
    QVERIFY2(progress.contains("issues page 1, 2 issues so far"), progress.constData());
    QVERIFY2(progress.contains("4 GitHub requests"), progress.constData());
    QVERIFY(!QFile::exists(u"data"_s) || QFileInfo(u"data"_s).isDir());

    process.start(QStringLiteral(HOOKME_BINARY), { u"collect"_s, u"octo-org/../x"_s });
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    QCOMPARE(m_servers->github.requestCount(), 4);
}

QTEST_GUILESS_MAIN(tst_GitHub)
#include "tst_github.moc"
