// End-to-end tests of webhook delivery: the real hookme binary against a local fake GitHub and
// a local webhook receiver (real HTTP servers on loopback). Signatures are checked by the
// Standard Webhooks reference library run by node (tests/signature-verifier), not by hookme's
// own code. Intervals are short, so spacing is asserted in real time.
#include "endtoendservers.h"
#include "hookmeprocess.h"
#include "signatureverifier.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkReply>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// The Standard Webhooks example secret, and a second one for rotation.
const QByteArray secretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const QByteArray secretB = "whsec_" + QByteArray("a second secret of 32 bytes!!!!!").toBase64();

FakeRepository makeRepository(const QString &owner, const QString &name, int issues)
{
    FakeRepository repository;
    repository.owner = owner;
    repository.name = name;
    repository.id = 4242;
    for (int number = issues; number >= 1; --number) {
        repository.issues.append(FakeGitHub::makeIssue(number, u"Issue %1 café"_s.arg(number),
                                                       u"octocat"_s, { u"bug"_s }));
    }
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 42) };
    return repository;
}

// Any method, no body: DELETE, or POST to an action.
HttpAnswer call(HookmeProcess &hookme, const QByteArray &method, const QString &path)
{
    QNetworkAccessManager network;
    QNetworkRequest request(hookme.url(path));
    request.setTransferTimeout(10'000);
    QNetworkReply *reply = network.sendCustomRequest(request, method);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 15'000))
        reply->abort();

    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.headers = reply->rawHeaderPairs();
    delete reply;
    return answer;
}

QJsonObject taskById(HookmeProcess &hookme, const QString &id)
{
    return hookme.get(u"/tasks/"_s + id).json();
}

QString stateOf(HookmeProcess &hookme, const QString &id)
{
    return taskById(hookme, id).value("state"_L1).toString();
}

// Milliseconds between one delivery's arrival and the next's.
QList<qint64> gapsMs(const QList<WebhookReceiver::Delivery> &deliveries)
{
    QList<qint64> gaps;
    for (qsizetype i = 1; i < deliveries.size(); ++i)
        gaps.append(deliveries.at(i - 1).receivedAt.msecsTo(deliveries.at(i).receivedAt));
    return gaps;
}

QString describe(const QList<qint64> &gaps)
{
    QStringList parts;
    for (const qint64 gap : gaps)
        parts.append(QString::number(gap));
    return u"gaps in ms: "_s + parts.join(u", "_s);
}

} // namespace

class tst_Delivery : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void signsEveryAttemptWithTheSameId();
    void goneStopsTheTaskWithoutNotifying();
    void retryAfterIsHonoured_data();
    void retryAfterIsHonoured();
    void timeoutIsAFailedAttempt();
    void redirectIsNotFollowed();
    void exponentialBackoffSpacing();
    void collectionAndDeliveryFailuresCountApartInOneBudget();
    void operatorRetryRedeliversTheStoredReport();
    void retryConflictsWithAnUnfinishedTask();
    void cancelAScheduledTask();
    void cancelARunningTaskIsRefused();
    void notifiesAFailedTask();
    void malformedSecretStopsStartUp();
    void manyTasksAtOnceAllDelivered();

private:
    // Submits octo-org/hello-world and returns the task id.
    QString submit(HookmeProcess &hookme);
    // Checks the delivery with the reference library: it verifies with `secret`, and a body
    // changed by one byte does not.
    void verifySignature(const WebhookReceiver::Delivery &delivery, const QByteArray &secret);

    std::unique_ptr<EndToEndServers> m_servers;
};

void tst_Delivery::init()
{
    m_servers = std::make_unique<EndToEndServers>();
    QVERIFY(m_servers->start());
    m_servers->github.addRepository(makeRepository(u"octo-org"_s, u"hello-world"_s, 3));
    m_servers->github.addUser(u"octocat"_s, u"The Octocat"_s);
}

void tst_Delivery::cleanup()
{
    m_servers.reset();
}

QString tst_Delivery::submit(HookmeProcess &hookme)
{
    const HttpAnswer accepted = hookme.submit(u"octo-org"_s, u"hello-world"_s);
    if (accepted.status != 202)
        qWarning() << "POST /tasks answered" << accepted.status << accepted.body;
    return accepted.json().value("id"_L1).toString();
}

void tst_Delivery::verifySignature(const WebhookReceiver::Delivery &delivery,
                                   const QByteArray &secret)
{
    const SignatureVerifier::Result good =
            SignatureVerifier::verify(secret, delivery.headers, delivery.body);
    QVERIFY2(good.ran, qPrintable(good.error));
    QVERIFY2(good.verified, qPrintable(good.error));

    QByteArray tampered = delivery.body;
    tampered[tampered.size() / 2] = tampered.at(tampered.size() / 2) == 'x' ? 'y' : 'x';
    const SignatureVerifier::Result bad =
            SignatureVerifier::verify(secret, delivery.headers, tampered);
    QVERIFY2(bad.ran, qPrintable(bad.error));
    QVERIFY(!bad.verified);
}

void tst_Delivery::signsEveryAttemptWithTheSameId()
{
    m_servers->receiver.setFailures(2, 500);
    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"WEBHOOK_SECRET"_s,
                                      QString::fromLatin1(secretA + ' ' + secretB) },
                                    { u"RESCHEDULE_INTERVAL"_s, u"300"_s } }));
    QVERIFY(hookme.start());
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const QString id = submit(hookme);
    QVERIFY(!id.isEmpty());

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    const QList<WebhookReceiver::Delivery> deliveries = m_servers->receiver.deliveries();
    QCOMPARE(deliveries.size(), 3);

    for (const WebhookReceiver::Delivery &delivery : deliveries) {
        QCOMPARE(delivery.path, u"/hook"_s);
        QCOMPARE(delivery.header("Content-Type"), "application/json");
        QCOMPARE(delivery.header("User-Agent"), "hookme/" HOOKME_VERSION);
        QCOMPARE(delivery.header("hookme-event"), "report");
        // One id for every attempt of the report: the task's.
        QCOMPARE(delivery.header("webhook-id"), id.toLatin1());
        const qint64 timestamp = delivery.header("webhook-timestamp").toLongLong();
        QVERIFY2(timestamp >= before && timestamp <= after, delivery.header("webhook-timestamp"));
        // Signed with both secrets during a rotation; either one verifies.
        QCOMPARE(delivery.header("webhook-signature").split(' ').size(), 2);
        verifySignature(delivery, secretA);
        verifySignature(delivery, secretB);
        // The body is sent as signed, and the same on every attempt.
        QCOMPARE(delivery.body, deliveries.first().body);
    }
    QVERIFY(deliveries.first().body.startsWith(R"({"user":"octo-org","repository":"hello-world")"));

    const QList<qint64> gaps = gapsMs(deliveries);
    for (const qint64 gap : gaps)
        QVERIFY2(gap >= 300 && gap < 3'000, qPrintable(describe(gaps)));

    const QJsonObject task = taskById(hookme, id);
    QCOMPARE(task.value("delivery_failures"_L1).toInt(), 2);
    QCOMPARE(task.value("collect_failures"_L1).toInt(), 0);
    const QJsonArray attempts = task.value("attempts"_L1).toArray();
    QCOMPARE(attempts.size(), 3);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject attempt = attempts.at(i).toObject();
        QCOMPARE(attempt.value("number"_L1).toInt(), i + 1);
        QCOMPARE(attempt.value("stage"_L1).toString(), u"deliver"_s);
        QCOMPARE(attempt.value("outcome"_L1).toString(), i < 2 ? u"retry"_s : u"succeeded"_s);
        QCOMPARE(attempt.value("http_status"_L1).toInt(), i < 2 ? 500 : 204);
        QVERIFY(attempt.value("duration_ms"_L1).toInteger() >= 0);
        QVERIFY(!attempt.value("started_at"_L1).toString().isEmpty());
        if (i < 2) {
            QCOMPARE(attempt.value("response_body"_L1).toString(),
                     u"{\"error\":\"injected failure\"}"_s);
            QCOMPARE(attempt.value("error"_L1).toString(),
                     u"webhook: HTTP 500: {\"error\":\"injected failure\"}"_s);
        } else {
            QVERIFY(attempt.value("response_body"_L1).isNull());
            QVERIFY(attempt.value("error"_L1).isNull());
        }
    }
    // Retries resent the stored report; GitHub was asked once.
    QCOMPARE(m_servers->github.requestCount(u"/repos/octo-org/hello-world/issues"_s), 1);
    QVERIFY(!hookme.output().contains(QString::fromLatin1(secretA.mid(6))));
}

void tst_Delivery::goneStopsTheTaskWithoutNotifying()
{
    const QByteArray longBody(3'000, 'g');
    m_servers->receiver.setFailures(1000, 410, {}, longBody);
    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"WEBHOOK_SECRET"_s, QString::fromLatin1(secretA) },
                                    { u"WEBHOOK_NOTIFY_FAILURES"_s, u"true"_s } }));
    QVERIFY(hookme.start());
    const QString id = submit(hookme);

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"failed"_s, 15'000);
    QTest::qWait(600);  // six retry intervals: nothing more may come, not even a notification
    QCOMPARE(m_servers->receiver.deliveryCount(), 1);

    const QJsonObject task = taskById(hookme, id);
    QCOMPARE(task.value("last_error"_L1).toString(),
             u"webhook: HTTP 410 Gone: the receiver asked for no more deliveries"_s);
    const QJsonArray attempts = task.value("attempts"_L1).toArray();
    QCOMPARE(attempts.size(), 1);
    QCOMPARE(attempts.first()["outcome"_L1].toString(), u"failed"_s);
    QCOMPARE(attempts.first()["http_status"_L1].toInt(), 410);
    // The first KiB of the answer is kept, no more.
    QCOMPARE(attempts.first()["response_body"_L1].toString(),
             QString::fromLatin1(longBody.left(1024)));
}

void tst_Delivery::retryAfterIsHonoured_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<QString>("maxInterval");
    QTest::addColumn<int>("minimumGapMs");
    QTest::addColumn<int>("maximumGapMs");

    QTest::newRow("429, seconds") << 429 << QByteArray("2") << u"3600000"_s << 2'000 << 4'000;
    // An HTTP date three seconds ahead, written when the row runs ("date+3"); the retry must
    // come at that date or after it (checked below against the date itself).
    QTest::newRow("503, HTTP date") << 503 << QByteArray("date+3") << u"3600000"_s << 0
                                    << 5'000;
    QTest::newRow("429, capped by RETRY_MAX_INTERVAL")
            << 429 << QByteArray("3600") << u"1500"_s << 1'500 << 3'500;
    // Retry-After only counts with 429 and 503.
    QTest::newRow("500 ignores it") << 500 << QByteArray("5") << u"3600000"_s << 100 << 1'500;
}

void tst_Delivery::retryAfterIsHonoured()
{
    QFETCH(int, status);
    QFETCH(QByteArray, retryAfter);
    QFETCH(QString, maxInterval);
    QFETCH(int, minimumGapMs);
    QFETCH(int, maximumGapMs);

    std::optional<QDateTime> retryAt;
    if (retryAfter.startsWith("date+")) {
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(retryAfter.mid(5).toInt());
        retryAt = QDateTime::fromSecsSinceEpoch(at.toSecsSinceEpoch(), Qt::UTC);
        retryAfter = QLocale::c().toString(*retryAt, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s)
                             .toLatin1();
    }
    m_servers->receiver.setFailures(1, status, { { "Retry-After", retryAfter } });
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"RETRY_MAX_INTERVAL"_s, maxInterval } }));
    QVERIFY(hookme.start());
    const QString id = submit(hookme);

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    QCOMPARE(m_servers->receiver.deliveryCount(), 2);
    const QList<qint64> gaps = gapsMs(m_servers->receiver.deliveries());
    QVERIFY2(gaps.first() >= minimumGapMs && gaps.first() <= maximumGapMs,
             qPrintable(describe(gaps)));
    if (retryAt) {
        const QList<WebhookReceiver::Delivery> deliveries = m_servers->receiver.deliveries();
        // The date was far enough ahead to matter, and the retry did not come before it.
        QVERIFY2(deliveries.at(0).receivedAt.msecsTo(*retryAt) >= 500,
                 qPrintable(deliveries.at(0).receivedAt.toString(Qt::ISODateWithMs)));
        QVERIFY2(deliveries.at(1).receivedAt >= *retryAt,
                 qPrintable(deliveries.at(1).receivedAt.toString(Qt::ISODateWithMs)));
    }
    QCOMPARE(taskById(hookme, id)["attempts"_L1][0]["http_status"_L1].toInt(), status);
}

void tst_Delivery::timeoutIsAFailedAttempt()
{
    m_servers->receiver.setSlowAnswers(1, 3'000);
    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"WEBHOOK_TIMEOUT"_s, u"400"_s },
                                    { u"WEBHOOK_SECRET"_s, QString::fromLatin1(secretA) } }));
    QVERIFY(hookme.start());
    const QString id = submit(hookme);

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    const QList<WebhookReceiver::Delivery> deliveries = m_servers->receiver.deliveries();
    QCOMPARE(deliveries.size(), 2);
    QCOMPARE(deliveries.at(1).header("webhook-id"), deliveries.at(0).header("webhook-id"));
    verifySignature(deliveries.at(1), secretA);

    const QJsonArray attempts = taskById(hookme, id).value("attempts"_L1).toArray();
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts[0]["error"_L1].toString(), u"webhook: no answer within 400 ms"_s);
    QVERIFY(attempts[0]["http_status"_L1].isNull());
    QCOMPARE(attempts[0]["outcome"_L1].toString(), u"retry"_s);
    QVERIFY(attempts[0]["duration_ms"_L1].toInteger() >= 400);
    QCOMPARE(attempts[1]["outcome"_L1].toString(), u"succeeded"_s);
}

void tst_Delivery::redirectIsNotFollowed()
{
    const QByteArray elsewhere =
            u"http://127.0.0.1:%1/elsewhere"_s.arg(m_servers->receiver.port()).toLatin1();
    m_servers->receiver.setFailures(1, 302, { { "Location", elsewhere } });
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = submit(hookme);

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    const QList<WebhookReceiver::Delivery> deliveries = m_servers->receiver.deliveries();
    QCOMPARE(deliveries.size(), 2);
    QCOMPARE(deliveries.at(0).path, u"/hook"_s);
    QCOMPARE(deliveries.at(1).path, u"/hook"_s);  // the retry, not the redirect's target

    // Without WEBHOOK_SECRET nothing is signed, but the id still lets receivers deduplicate.
    QCOMPARE(deliveries.at(0).header("webhook-signature"), QByteArray());
    QCOMPARE(deliveries.at(0).header("webhook-id"), id.toLatin1());
    QCOMPARE(deliveries.at(1).header("webhook-id"), id.toLatin1());

    const QJsonArray attempts = taskById(hookme, id).value("attempts"_L1).toArray();
    QCOMPARE(attempts[0]["http_status"_L1].toInt(), 302);
    QVERIFY(attempts[0]["error"_L1].toString().endsWith("(redirects are not followed)"_L1));
}

void tst_Delivery::exponentialBackoffSpacing()
{
    // Waits of 200, 400 and 800 ms, each +-20%; the third is capped at 500.
    m_servers->receiver.setFailures(3, 500);
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"RETRY_BACKOFF"_s, u"exponential"_s },
                                                       { u"RESCHEDULE_INTERVAL"_s, u"200"_s },
                                                       { u"RETRY_MAX_INTERVAL"_s, u"500"_s } }));
    QVERIFY(hookme.start());
    const QString id = submit(hookme);

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    QCOMPARE(m_servers->receiver.deliveryCount(), 4);
    const QList<qint64> gaps = gapsMs(m_servers->receiver.deliveries());
    const QString text = describe(gaps);
    constexpr qint64 slack = 350;  // the receiver's clock sees more than hookme's wait
    QVERIFY2(gaps.at(0) >= 160 && gaps.at(0) <= 240 + slack, qPrintable(text));
    QVERIFY2(gaps.at(1) >= 320 && gaps.at(1) <= 480 + slack, qPrintable(text));
    QVERIFY2(gaps.at(2) >= 500 && gaps.at(2) <= 500 + slack, qPrintable(text));
}

void tst_Delivery::collectionAndDeliveryFailuresCountApartInOneBudget()
{
    // Two retries after the first try, used by one failure of each stage.
    m_servers->github.failNextRequests(1, 502);
    m_servers->receiver.setFailures(1, 500);
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"RETRY_MAX_ATTEMPTS"_s, u"2"_s } }));
    QVERIFY(hookme.start());
    const QString id = submit(hookme);

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    const QJsonObject task = taskById(hookme, id);
    QCOMPARE(task.value("attempts_made"_L1).toInt(), 3);
    QCOMPARE(task.value("collect_failures"_L1).toInt(), 1);
    QCOMPARE(task.value("delivery_failures"_L1).toInt(), 1);
    const QJsonArray attempts = task.value("attempts"_L1).toArray();
    QCOMPARE(attempts[0]["stage"_L1].toString(), u"collect"_s);
    QCOMPARE(attempts[1]["stage"_L1].toString(), u"deliver"_s);
    QCOMPARE(attempts[2]["outcome"_L1].toString(), u"succeeded"_s);
    QCOMPARE(m_servers->receiver.deliveryCount(), 2);
}

void tst_Delivery::operatorRetryRedeliversTheStoredReport()
{
    m_servers->receiver.setFailures(1, 500);
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"RETRY_MAX_ATTEMPTS"_s, u"0"_s } }));
    QVERIFY(hookme.start());
    const QString id = submit(hookme);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"failed"_s, 15'000);
    QCOMPARE(m_servers->receiver.deliveryCount(), 1);

    const HttpAnswer retried = call(hookme, "POST", u"/tasks/%1/retry"_s.arg(id));
    QCOMPARE(retried.status, 202);
    QCOMPARE(retried.header("Location"), "/tasks/" + id.toLatin1());
    QCOMPARE(retried.json().value("state"_L1).toString(), u"retrying"_s);
    QCOMPARE(retried.json().value("delivery_failures"_L1).toInt(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    const QList<WebhookReceiver::Delivery> deliveries = m_servers->receiver.deliveries();
    QCOMPARE(deliveries.size(), 2);
    QCOMPARE(deliveries.at(1).body, deliveries.at(0).body);
    QCOMPARE(deliveries.at(1).header("webhook-id"), id.toLatin1());
    // Only the delivery was redone.
    QCOMPARE(m_servers->github.requestCount(u"/repos/octo-org/hello-world/issues"_s), 1);
    const QJsonObject task = taskById(hookme, id);
    QCOMPARE(task.value("attempts_made"_L1).toInt(), 2);
    QCOMPARE(task.value("attempts"_L1).toArray().size(), 2);

    // A task that is not failed cannot be retried, an unknown one is not found.
    const HttpAnswer again = call(hookme, "POST", u"/tasks/%1/retry"_s.arg(id));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.json()["error"_L1]["code"_L1].toString(), u"task_not_failed"_s);
    QCOMPARE(again.json()["error"_L1]["message"_L1].toString(),
             u"task %1 is delivered; only a failed task can be retried"_s.arg(id));
    const HttpAnswer unknown = call(hookme, "POST", u"/tasks/no-such-task/retry"_s);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json()["error"_L1]["code"_L1].toString(), u"not_found"_s);
    const HttpAnswer wrongMethod = hookme.get(u"/tasks/%1/retry"_s.arg(id));
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.header("Allow"), "POST");
    QCOMPARE(wrongMethod.json()["error"_L1]["code"_L1].toString(), u"method_not_allowed"_s);
}

void tst_Delivery::retryConflictsWithAnUnfinishedTask()
{
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const HttpAnswer first = hookme.submit(u"octo-org"_s, u"gone-repo"_s);
    const QString failedId = first.json().value("id"_L1).toString();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, failedId), u"failed"_s, 15'000);

    // A new task for the same repository, held in its collection by a slow GitHub.
    m_servers->github.setResponseDelay(3'000);
    const HttpAnswer second = hookme.submit(u"Octo-Org"_s, u"Gone-Repo"_s);
    QCOMPARE(second.status, 202);
    const QString runningId = second.json().value("id"_L1).toString();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, runningId), u"running"_s, 10'000);

    const HttpAnswer conflict = call(hookme, "POST", u"/tasks/%1/retry"_s.arg(failedId));
    QCOMPARE(conflict.status, 409);
    QCOMPARE(conflict.header("Content-Type"), "application/json");
    const QJsonObject error = conflict.json().value("error"_L1).toObject();
    QCOMPARE(error.value("status"_L1).toInt(), 409);
    QCOMPARE(error.value("code"_L1).toString(), u"repository_busy"_s);
    QVERIFY2(error.value("message"_L1).toString().contains(runningId),
             qPrintable(error.value("message"_L1).toString()));
    QCOMPARE(stateOf(hookme, failedId), u"failed"_s);  // nothing changed

    // The running task cannot be cancelled either; once it has ended, the retry goes through.
    const HttpAnswer running = call(hookme, "DELETE", u"/tasks/%1"_s.arg(runningId));
    QCOMPARE(running.status, 409);
    QCOMPARE(running.json()["error"_L1]["code"_L1].toString(), u"task_running"_s);
    m_servers->github.setResponseDelay(0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, runningId), u"failed"_s, 15'000);
    QCOMPARE(call(hookme, "POST", u"/tasks/%1/retry"_s.arg(failedId)).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, failedId), u"failed"_s, 15'000);
    QCOMPARE(taskById(hookme, failedId).value("attempts_made"_L1).toInt(), 2);
}

void tst_Delivery::cancelAScheduledTask()
{
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings({ { u"SCHEDULE_INTERVAL"_s, u"600000"_s } }));
    QVERIFY(hookme.start());
    const QString id = submit(hookme);

    const HttpAnswer cancelled = call(hookme, "DELETE", u"/tasks/%1"_s.arg(id));
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json().value("state"_L1).toString(), u"cancelled"_s);
    QVERIFY(!cancelled.json().value("finished_at"_L1).toString().isEmpty());
    QVERIFY(cancelled.json().value("next_run_at"_L1).isNull());
    QCOMPARE(stateOf(hookme, id), u"cancelled"_s);

    // A finished task cannot be cancelled; an unknown one is not found.
    const HttpAnswer again = call(hookme, "DELETE", u"/tasks/%1"_s.arg(id));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.json()["error"_L1]["code"_L1].toString(), u"task_finished"_s);
    QCOMPARE(call(hookme, "DELETE", u"/tasks/no-such-task"_s).status, 404);

    const HttpAnswer wrongMethod = call(hookme, "PUT", u"/tasks/%1"_s.arg(id));
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.header("Allow"), "GET, DELETE");

    // The repository is free for a new request, and GitHub was never asked.
    QCOMPARE(hookme.submit(u"octo-org"_s, u"hello-world"_s).status, 202);
    QCOMPARE(m_servers->github.requestCount(), 0);
}

void tst_Delivery::cancelARunningTaskIsRefused()
{
    m_servers->github.setResponseDelay(800);
    HookmeProcess hookme(m_servers->dataDir.path(), m_servers->settings());
    QVERIFY(hookme.start());
    const QString id = submit(hookme);
    QTRY_COMPARE_WITH_TIMEOUT(m_servers->github.requestCount(), 1, 10'000);  // mid-collection
    QCOMPARE(stateOf(hookme, id), u"running"_s);

    // An attempt under way is not cut off: the task goes on and is delivered.
    const HttpAnswer refused = call(hookme, "DELETE", u"/tasks/%1"_s.arg(id));
    QCOMPARE(refused.status, 409);
    QCOMPARE(refused.json()["error"_L1]["code"_L1].toString(), u"task_running"_s);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(hookme, id), u"delivered"_s, 15'000);
    QCOMPARE(m_servers->receiver.deliveryCount(), 1);
    const HttpAnswer finished = call(hookme, "DELETE", u"/tasks/%1"_s.arg(id));
    QCOMPARE(finished.status, 409);
    QCOMPARE(finished.json()["error"_L1]["code"_L1].toString(), u"task_finished"_s);
}

void tst_Delivery::notifiesAFailedTask()
{
    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"WEBHOOK_SECRET"_s, QString::fromLatin1(secretA) },
                                    { u"WEBHOOK_NOTIFY_FAILURES"_s, u"true"_s } }));
    QVERIFY(hookme.start());
    const HttpAnswer accepted = hookme.submit(u"octo-org"_s, u"no-such-repo"_s);
    const QString id = accepted.json().value("id"_L1).toString();

    QTRY_COMPARE_WITH_TIMEOUT(m_servers->receiver.deliveryCount(), 1, 15'000);
    QCOMPARE(stateOf(hookme, id), u"failed"_s);
    const WebhookReceiver::Delivery notification = m_servers->receiver.deliveries().first();
    QCOMPARE(notification.header("hookme-event"), "task.failed");
    QCOMPARE(notification.header("Content-Type"), "application/json");
    QCOMPARE(notification.header("webhook-id"), id.toLatin1() + "-failed-1");
    verifySignature(notification, secretA);

    const QJsonObject body = QJsonDocument::fromJson(notification.body).object();
    QCOMPARE(body.value("type"_L1).toString(), u"task.failed"_s);
    QCOMPARE(body.value("task_id"_L1).toString(), id);
    QCOMPARE(body.value("user"_L1).toString(), u"octo-org"_s);
    QCOMPARE(body.value("repository"_L1).toString(), u"no-such-repo"_s);
    QCOMPARE(body.value("error"_L1).toString(),
             u"repository not found or not visible with the configured token"_s);
    QCOMPARE(body.value("stage"_L1).toString(), u"collect"_s);
    QCOMPARE(body.value("attempts"_L1).toInt(), 1);
    QVERIFY(!body.value("failed_at"_L1).toString().isEmpty());
    QVERIFY(!body.contains("issues"_L1));  // not a report's shape

    QTest::qWait(400);  // one message, not retried, not repeated
    QCOMPARE(m_servers->receiver.deliveryCount(), 1);
}

void tst_Delivery::malformedSecretStopsStartUp()
{
    QProcess process;
    QProcessEnvironment environment;
    environment.insert(u"WEBHOOK_URL"_s, m_servers->receiver.url().toString());
    environment.insert(u"WEBHOOK_SECRET"_s, u"my-raw-webhook-secret-value"_s);
    environment.insert(u"DATA_DIR"_s, m_servers->dataDir.path());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(HOOKME_BINARY), {});
    QVERIFY(process.waitForFinished(10'000));

    QCOMPARE(process.exitCode(), 2);
    const QByteArray output = process.readAllStandardError();
    QCOMPARE(output, "hookme: WEBHOOK_SECRET must be in the format whsec_<base64>; the secret is"
                     " not (the value is not shown)\n");
    QVERIFY(!output.contains("my-raw-webhook-secret-value"));
}

void tst_Delivery::manyTasksAtOnceAllDelivered()
{
    // Many attempts at once, more than GitHub requests allowed at once: attempts queue for a
    // request slot while others end together. (Waiting for the slot through a queued signal
    // once resumed a coroutine that had moved on, and hookme crashed.)
    constexpr int taskCount = 80;
    for (int i = 0; i < taskCount; ++i) {
        FakeRepository repository = makeRepository(u"octo-org"_s, u"many-%1"_s.arg(i), 2);
        repository.id = 5000 + i;
        m_servers->github.addRepository(repository);
    }
    HookmeProcess hookme(m_servers->dataDir.path(),
                         m_servers->settings({ { u"SCHEDULE_INTERVAL"_s, u"1000"_s },
                                    { u"WORKER_CONCURRENCY"_s, u"32"_s },
                                    { u"GITHUB_MAX_CONCURRENCY"_s, u"2"_s },
                                    { u"WEBHOOK_SECRET"_s, QString::fromLatin1(secretA) } }));
    QVERIFY(hookme.start());
    for (int i = 0; i < taskCount; ++i)
        QCOMPARE(hookme.submit(u"octo-org"_s, u"many-%1"_s.arg(i)).status, 202);

    QTRY_COMPARE_WITH_TIMEOUT(m_servers->receiver.deliveryCount(), taskCount, 30'000);
    QTRY_COMPARE(hookme.get(u"/tasks?state=delivered"_s).json()["total"_L1].toInt(), taskCount);
    QSet<QByteArray> ids;
    for (const WebhookReceiver::Delivery &delivery : m_servers->receiver.deliveries())
        ids.insert(delivery.header("webhook-id"));
    QCOMPARE(ids.size(), taskCount);  // one message per task, each with its own id
    verifySignature(m_servers->receiver.deliveries().last(), secretA);
}

QTEST_GUILESS_MAIN(tst_Delivery)
#include "tst_delivery.moc"
