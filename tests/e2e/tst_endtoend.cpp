// End-to-end: the real hookme binary against a local fake GitHub and a local webhook
// receiver, both real HTTP servers on loopback.
#include "endtoendservers.h"
#include "hookmeprocess.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Items 1..count, newest first as GitHub lists them; every fifth one is a pull request.
FakeRepository makeRepository(const QString &owner, const QString &name, int id, int count)
{
    FakeRepository repository;
    repository.owner = owner;
    repository.name = name;
    repository.id = id;
    for (int number = count; number >= 1; --number) {
        if (number % 5 == 0) {
            repository.issues.append(
                    FakeGitHub::makePullRequest(number, u"PR %1"_s.arg(number), u"octocat"_s));
        } else {
            repository.issues.append(FakeGitHub::makeIssue(number, u"Issue %1"_s.arg(number),
                                                           u"octocat"_s, { u"bug"_s }));
        }
    }
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 42) };
    return repository;
}

QJsonObject taskById(HookmeProcess &hookme, const QString &id)
{
    return hookme.get(u"/tasks/"_s + id).json();
}

} // namespace

class tst_EndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void deliversTheExactReport();
    void followsEveryPageAndLeavesOutPullRequests();
    void retriesAFailingWebhookTheConfiguredNumberOfTimes();
    void retriesThenDelivers();
    void retriesAGitHubServerError();
    void failsAtOnceForAMissingRepository();
    void deduplicatesAndThrottles();
    void refusesBadInputAndStoresNothing_data();
    void refusesBadInputAndStoresNothing();
    void refusesAnOversizedBodyWithoutReadingIt();
    void answersUnknownPathsAndMethodsWithJson();
    void closesTheConnectionWhenTheClientAsks_data();
    void closesTheConnectionWhenTheClientAsks();
    void restartAfterKillLosesNoTask();
    void attemptCutOffByAKillRunsAgain();
    void reportsMalformedSettingsByName();

private:

    std::unique_ptr<EndToEndServers> m_servers;
};

void tst_EndToEnd::init()
{
    m_servers = std::make_unique<EndToEndServers>();
    QVERIFY(m_servers->start());
}

void tst_EndToEnd::cleanup()
{
    m_servers.reset();
}

void tst_EndToEnd::deliversTheExactReport()
{
    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"hello-world"_s;
    repository.id = 1296269;
    repository.issues = {
        FakeGitHub::makeIssue(4, u"Crash on \"start\" \\ café ☕ 🚀"_s, u"octocat"_s,
                              { u"bug"_s, u"help wanted"_s }),
        FakeGitHub::makePullRequest(3, u"Fix the crash"_s, u"hubot"_s),
        FakeGitHub::makeIssue(2, u"Written by a deleted account"_s, QString(), {}),
        FakeGitHub::makeIssue(1, u"Docs: line one\nline two"_s, u"hubot"_s,
                              { u"documentation"_s, u"ünïcödé ✓"_s }, u"closed"_s),
    };
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 42),
                                FakeGitHub::makeContributor(u"hubot"_s, 7) };
    m_servers->github.addRepository(repository);
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);
    m_servers->github.addUser(u"hubot"_s, QJsonValue::Null);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const HttpAnswer accepted = hookme.submit(u"octo-org"_s, u"hello-world"_s);
    QCOMPARE(accepted.status, 202);

    QTRY_COMPARE_WITH_TIMEOUT(m_servers->receiver.deliveries().size(), 1, 15'000);
    const QByteArray expected =
            R"({"user":"octo-org","repository":"hello-world","issues":[)"
            R"({"title":"Crash on \"start\" \\ café ☕ 🚀","author":"octocat",)"
            R"("labels":["bug","help wanted"]},)"
            R"({"title":"Written by a deleted account","author":null,"labels":[]},)"
            R"({"title":"Docs: line one\nline two","author":"hubot",)"
            R"("labels":["documentation","ünïcödé ✓"]}],)"
            R"("contributors":[{"name":"The Octocat","user":"octocat","qtd_commits":42},)"
            R"({"name":null,"user":"hubot","qtd_commits":7}]})";
    QCOMPARE(m_servers->receiver.deliveries().first().body, expected);

    const QString id = accepted.json().value("id"_L1).toString();
    QTRY_COMPARE(taskById(hookme, id).value("state"_L1).toString(), u"delivered"_s);
    const QJsonObject task = taskById(hookme, id);
    QCOMPARE(task.value("attempts_made"_L1).toInt(), 1);
    QCOMPARE(task.value("attempts"_L1).toArray().first()["outcome"_L1].toString(),
             u"succeeded"_s);

    // One page of issues, one of contributors, one lookup per contributor's name.
    QCOMPARE(m_servers->github.requestCount(), 4);
    QCOMPARE(m_servers->github.requests().first().pathAndQuery,
             u"/repos/octo-org/hello-world/issues?state=all&per_page=100"_s);
}

void tst_EndToEnd::followsEveryPageAndLeavesOutPullRequests()
{
    m_servers->github.addRepository(makeRepository(u"big"_s, u"repo"_s, 77, 250));
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    QCOMPARE(hookme.submit(u"big"_s, u"repo"_s).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(m_servers->receiver.deliveries().size(), 1, 15'000);

    const QJsonArray issues = QJsonDocument::fromJson(m_servers->receiver.deliveries().first().body)
                                      .object()
                                      .value("issues"_L1)
                                      .toArray();
    QStringList titles;
    for (const QJsonValue &issue : issues)
        titles.append(issue["title"_L1].toString());

    QStringList expected;
    for (int number = 250; number >= 1; --number) {
        if (number % 5 != 0)
            expected.append(u"Issue %1"_s.arg(number));
    }
    QCOMPARE(titles, expected);

    // Page 1 by name, pages 2 and 3 through GitHub's next links to /repositories/{id}.
    QStringList issuePages;
    for (const FakeGitHub::RecordedRequest &request : m_servers->github.requests()) {
        if (request.pathAndQuery.contains("/issues"_L1))
            issuePages.append(request.pathAndQuery);
    }
    QCOMPARE(issuePages.size(), 3);
    QVERIFY2(issuePages.at(1).startsWith("/repositories/77/issues"_L1),
             qPrintable(issuePages.at(1)));
    QVERIFY2(issuePages.at(2).contains("page=3"_L1), qPrintable(issuePages.at(2)));
}

void tst_EndToEnd::retriesAFailingWebhookTheConfiguredNumberOfTimes()
{
    m_servers->github.addRepository(makeRepository(u"octo-org"_s, u"hello-world"_s, 1, 3));
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);
    m_servers->receiver.setFailures(1000, 500);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"RETRY_MAX_ATTEMPTS"_s, u"2"_s } }));
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();

    QTRY_COMPARE_WITH_TIMEOUT(taskById(hookme, id).value("state"_L1).toString(), u"failed"_s,
                              15'000);
    // The first try and two retries, and no more, even after waiting a while.
    QTest::qWait(500);
    QCOMPARE(m_servers->receiver.deliveries().size(), 3);

    const QJsonObject task = taskById(hookme, id);
    QCOMPARE(task.value("attempts_made"_L1).toInt(), 3);
    QVERIFY(task.value("last_error"_L1).toString().startsWith("webhook: HTTP 500"_L1));
    const QJsonArray attempts = task.value("attempts"_L1).toArray();
    QCOMPARE(attempts.size(), 3);
    const QStringList outcomes { attempts[0]["outcome"_L1].toString(),
                                 attempts[1]["outcome"_L1].toString(),
                                 attempts[2]["outcome"_L1].toString() };
    QCOMPARE(outcomes, (QStringList { u"retry"_s, u"retry"_s, u"failed"_s }));
    QCOMPARE(attempts[2]["http_status"_L1].toInt(), 500);
    QCOMPARE(attempts[2]["stage"_L1].toString(), u"deliver"_s);

    // The report was collected once; the retries only delivered it again.
    QCOMPARE(m_servers->github.requestCount(u"/repos/octo-org/hello-world/issues"_s), 1);
    const QByteArray first = m_servers->receiver.deliveries().at(0).body;
    QCOMPARE(m_servers->receiver.deliveries().at(2).body, first);
}

void tst_EndToEnd::retriesThenDelivers()
{
    m_servers->github.addRepository(makeRepository(u"octo-org"_s, u"hello-world"_s, 1, 3));
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);
    m_servers->receiver.setFailures(1, 503);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();

    QTRY_COMPARE_WITH_TIMEOUT(taskById(hookme, id).value("state"_L1).toString(),
                              u"delivered"_s, 15'000);
    QCOMPARE(m_servers->receiver.deliveries().size(), 2);
    QCOMPARE(taskById(hookme, id).value("attempts_made"_L1).toInt(), 2);
}

void tst_EndToEnd::retriesAGitHubServerError()
{
    m_servers->github.addRepository(makeRepository(u"octo-org"_s, u"hello-world"_s, 1, 3));
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);
    m_servers->github.failNextRequests(1, 502);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();

    QTRY_COMPARE_WITH_TIMEOUT(taskById(hookme, id).value("state"_L1).toString(),
                              u"delivered"_s, 15'000);
    const QJsonArray attempts = taskById(hookme, id).value("attempts"_L1).toArray();
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts[0]["stage"_L1].toString(), u"collect"_s);
    QCOMPARE(attempts[0]["http_status"_L1].toInt(), 502);
    QCOMPARE(attempts[0]["outcome"_L1].toString(), u"retry"_s);
    QCOMPARE(m_servers->receiver.deliveries().size(), 1);
}

void tst_EndToEnd::failsAtOnceForAMissingRepository()
{
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = hookme.submit(u"octo-org"_s, u"no-such-repo"_s).json()["id"_L1].toString();

    QTRY_COMPARE_WITH_TIMEOUT(taskById(hookme, id).value("state"_L1).toString(), u"failed"_s,
                              15'000);
    const QJsonObject task = taskById(hookme, id);
    QCOMPARE(task.value("attempts_made"_L1).toInt(), 1);
    QCOMPARE(task.value("last_error"_L1).toString(),
             u"repository not found or not visible with the configured token"_s);
    QTest::qWait(300);
    QCOMPARE(m_servers->github.requestCount(), 1);
    QCOMPARE(m_servers->receiver.deliveries().size(), 0);
}

void tst_EndToEnd::deduplicatesAndThrottles()
{
    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"SCHEDULE_INTERVAL"_s, u"600000"_s },
                                    { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, u"2"_s } }));
    QVERIFY(hookme.start());

    const HttpAnswer first = hookme.submit(u"octo-org"_s, u"hello-world"_s);
    QCOMPARE(first.status, 202);
    QCOMPARE(first.json().value("deduplicated"_L1).toBool(), false);
    const QString id = first.json().value("id"_L1).toString();
    QCOMPARE(first.header("Location"), "/tasks/" + id.toLatin1());

    // GitHub compares names case-insensitively, and so does deduplication.
    const HttpAnswer again = hookme.submit(u"Octo-Org"_s, u"HELLO-WORLD"_s);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json().value("deduplicated"_L1).toBool(), true);
    QCOMPARE(again.json().value("id"_L1).toString(), id);
    QCOMPARE(again.json().value("owner"_L1).toString(), u"octo-org"_s);

    QCOMPARE(hookme.submit(u"octo-org"_s, u"second"_s).status, 202);

    const HttpAnswer throttled = hookme.submit(u"octo-org"_s, u"third"_s);
    QCOMPARE(throttled.status, 429);
    QVERIFY(throttled.header("Retry-After").toInt() >= 1);
    QCOMPARE(throttled.json()["error"_L1]["code"_L1].toString(), u"too_many_tasks"_s);

    // A duplicate still gets its task while the cap is reached.
    QCOMPARE(hookme.submit(u"octo-org"_s, u"hello-world"_s).status, 200);
    QCOMPARE(hookme.get(u"/tasks"_s).json().value("total"_L1).toInt(), 2);
}

void tst_EndToEnd::refusesBadInputAndStoresNothing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");

    const QByteArray json = "application/json";
    QTest::newRow("malformed JSON") << QByteArray("{\"username\": ") << json << 400 << QString();
    QTest::newRow("an array") << QByteArray("[]") << json << 400 << QString();
    QTest::newRow("missing username")
            << QByteArray(R"({"repository": "x"})") << json << 400 << u"username"_s;
    QTest::newRow("missing repository")
            << QByteArray(R"({"username": "x"})") << json << 400 << u"repository"_s;
    QTest::newRow("username not a string")
            << QByteArray(R"({"username": 7, "repository": "x"})") << json << 400
            << u"username"_s;
    QTest::newRow("path traversal in the repository")
            << QByteArray(R"({"username": "octo-org", "repository": "../../users"})") << json
            << 400 << u"repository"_s;
    QTest::newRow("encoded slash")
            << QByteArray(R"({"username": "octo%2Forg", "repository": "x"})") << json << 400
            << u"username"_s;
    QTest::newRow("query in the repository")
            << QByteArray(R"({"username": "octo-org", "repository": "x?per_page=1"})") << json
            << 400 << u"repository"_s;
    QTest::newRow("dot-dot repository")
            << QByteArray(R"({"username": "octo-org", "repository": ".."})") << json << 400
            << u"repository"_s;
    QTest::newRow("login too long")
            << QByteArray(R"({"username": ")" + QByteArray(40, 'a') + R"(", "repository": "x"})")
            << json << 400 << u"username"_s;
    QTest::newRow("not JSON content")
            << QByteArray(R"({"username": "octo-org", "repository": "x"})")
            << QByteArray("text/plain") << 415 << QString();
}

void tst_EndToEnd::refusesBadInputAndStoresNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, field);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());

    const HttpAnswer answer = hookme.postJson(u"/tasks"_s, body, contentType);
    QCOMPARE(answer.status, status);
    QCOMPARE(answer.header("Content-Type"), "application/json");
    const QJsonObject error = answer.json().value("error"_L1).toObject();
    QCOMPARE(error.value("status"_L1).toInt(), status);
    QVERIFY(!error.value("message"_L1).toString().isEmpty());
    QCOMPARE(error.value("field"_L1).toString(), field);

    QCOMPARE(hookme.get(u"/tasks"_s).json().value("total"_L1).toInt(), 0);
    QTest::qWait(200);
    QCOMPARE(m_servers->github.requestCount(), 0);
}

void tst_EndToEnd::refusesAnOversizedBodyWithoutReadingIt()
{
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());

    // Declared and sent: 8 MiB. The answer must come before the body is read.
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, hookme.url(u"/"_s).port());
    QVERIFY(socket.waitForConnected(5'000));
    const qint64 size = 8 * 1024 * 1024;
    socket.write("POST /tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 "Content-Length: " + QByteArray::number(size) + "\r\n\r\n");
    socket.write(QByteArray(256 * 1024, ' '));
    QTRY_VERIFY_WITH_TIMEOUT(socket.bytesAvailable() > 0
                                     || socket.state() == QAbstractSocket::UnconnectedState,
                             10'000);
    const QByteArray answer = socket.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
    QVERIFY(answer.contains(R"("code":"payload_too_large")"));

    // An undeclared (chunked) body over the limit is refused as well.
    QTcpSocket chunked;
    chunked.connectToHost(u"127.0.0.1"_s, hookme.url(u"/"_s).port());
    QVERIFY(chunked.waitForConnected(5'000));
    chunked.write("POST /tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n");
    const QByteArray chunk(32 * 1024, ' ');
    for (int i = 0; i < 4; ++i)
        chunked.write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(chunked.bytesAvailable() > 0, 10'000);
    QVERIFY(chunked.readAll().startsWith("HTTP/1.1 413"));

    // The service is unharmed, and a small request on a new connection works.
    QCOMPARE(hookme.get(u"/health"_s).status, 200);
    QCOMPARE(hookme.get(u"/tasks"_s).json().value("total"_L1).toInt(), 0);
}

void tst_EndToEnd::answersUnknownPathsAndMethodsWithJson()
{
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());

    const HttpAnswer unknown = hookme.get(u"/no/such/path"_s);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json()["error"_L1]["code"_L1].toString(), u"not_found"_s);

    const HttpAnswer missingTask = hookme.get(u"/tasks/does-not-exist"_s);
    QCOMPARE(missingTask.status, 404);
    QCOMPARE(missingTask.json()["error"_L1]["code"_L1].toString(), u"not_found"_s);

    const HttpAnswer wrongMethod = hookme.postJson(u"/health"_s, "{}");
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.header("Allow"), "GET");
    QCOMPARE(wrongMethod.json()["error"_L1]["code"_L1].toString(), u"method_not_allowed"_s);
}

void tst_EndToEnd::closesTheConnectionWhenTheClientAsks_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("Connection: close")
            << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QTest::newRow("HTTP/1.0") << QByteArray("GET /health HTTP/1.0\r\nHost: x\r\n\r\n");
}

void tst_EndToEnd::closesTheConnectionWhenTheClientAsks()
{
    QFETCH(QByteArray, request);

    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());

    // A client that reads until the server closes must get its answer and the end.
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, hookme.url(u"/"_s).port());
    QVERIFY(socket.waitForConnected(5'000));
    socket.write(request);
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll(),
                              socket.state() == QAbstractSocket::UnconnectedState),
                             5'000);
    answer += socket.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(answer.endsWith(R"({"status":"ok"})"));
}

void tst_EndToEnd::restartAfterKillLosesNoTask()
{
    const int taskCount = 20;
    for (int i = 0; i < taskCount; ++i) {
        m_servers->github.addRepository(makeRepository(u"octo-org"_s, u"repo-%1"_s.arg(i), 100 + i, 2));
    }
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);

    const auto config = m_servers->settings({ { u"SCHEDULE_INTERVAL"_s, u"1500"_s } });
    {
        HookmeProcess hookme(m_servers->dataDir.path(), config);
        QVERIFY(hookme.start());
        for (int i = 0; i < taskCount; ++i)
            QCOMPARE(hookme.submit(u"octo-org"_s, u"repo-%1"_s.arg(i)).status, 202);
        hookme.kill();  // before any task is due
    }
    QCOMPARE(m_servers->receiver.deliveries().size(), 0);

    HookmeProcess restarted(m_servers->dataDir.path(), config);
    QVERIFY(restarted.start());
    QTRY_COMPARE_WITH_TIMEOUT(m_servers->receiver.deliveries().size(), taskCount, 20'000);

    QSet<QString> repositories;
    for (const WebhookReceiver::Delivery &delivery : m_servers->receiver.deliveries())
        repositories.insert(QJsonDocument::fromJson(delivery.body)["repository"_L1].toString());
    QCOMPARE(repositories.size(), taskCount);
    QTRY_COMPARE(restarted.get(u"/tasks?state=delivered"_s).json()["total"_L1].toInt(),
                 taskCount);
}

void tst_EndToEnd::attemptCutOffByAKillRunsAgain()
{
    m_servers->github.addRepository(makeRepository(u"octo-org"_s, u"hello-world"_s, 1, 3));
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);
    m_servers->github.setResponseDelay(5'000);

    QString id;
    {
        HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
        QVERIFY(hookme.start());
        id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();
        QTRY_COMPARE_WITH_TIMEOUT(m_servers->github.requestCount(), 1, 10'000);  // mid-attempt
        QCOMPARE(taskById(hookme, id).value("state"_L1).toString(), u"running"_s);
        hookme.kill();
    }
    m_servers->github.setResponseDelay(0);

    HookmeProcess restarted(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(restarted.start());
    QTRY_COMPARE_WITH_TIMEOUT(taskById(restarted, id).value("state"_L1).toString(),
                              u"delivered"_s, 15'000);
    QCOMPARE(m_servers->receiver.deliveries().size(), 1);
    // The cut-off attempt does not count against the task's retries.
    QCOMPARE(taskById(restarted, id).value("attempts_made"_L1).toInt(), 1);
}

void tst_EndToEnd::reportsMalformedSettingsByName()
{
    QProcess process;
    QProcessEnvironment environment;
    environment.insert(u"WEBHOOK_URL"_s, m_servers->receiver.url().toString());
    environment.insert(u"API_TOKEN"_s, u"ghp_secret_token_value"_s);
    environment.insert(u"RETRY_MAX_ATTEMPTS"_s, u"many"_s);
    environment.insert(u"DATA_DIR"_s, m_servers->dataDir.path());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(HOOKME_BINARY), {});
    QVERIFY(process.waitForFinished(10'000));

    QCOMPARE(process.exitCode(), 2);
    const QByteArray output = process.readAllStandardError();
    QCOMPARE(output,
             "hookme: RETRY_MAX_ATTEMPTS must be a whole number from 0 to 1000, got \"many\"\n");
    QVERIFY(!output.contains("ghp_secret_token_value"));

    environment.remove(u"WEBHOOK_URL"_s);
    environment.remove(u"RETRY_MAX_ATTEMPTS"_s);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(HOOKME_BINARY), {});
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardError().startsWith("hookme: WEBHOOK_URL is required"));
}

QTEST_GUILESS_MAIN(tst_EndToEnd)
#include "tst_endtoend.moc"
