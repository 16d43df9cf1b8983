// Specification of the monitor protocol (common/monitorprotocol.h, common/lineframer.h,
// common/monitorsocketname.h): exact bytes on the wire, round trips of every message, what
// decoding refuses, how the line framer tells an incomplete line from an invalid one, and
// the socket names both programs agree on.
#include "lineframer.h"
#include "monitorprotocol.h"
#include "monitorsocketname.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;
using hookme::TaskState;

Q_DECLARE_METATYPE(hookme::monitor::Message)
Q_DECLARE_METATYPE(hookme::monitor::DecodeError::Kind)

namespace {

// 2026-12-03T16:34:55.622Z and a few seconds later.
constexpr qint64 t0 = 1'796'315'695'622;

TaskInfo sampleTask()
{
    TaskInfo task;
    task.id = u"5c0e8a3e-0000-4000-8000-000000000001"_s;
    task.owner = u"octo-org"_s;
    task.repository = u"hello-world"_s;
    task.state = TaskState::Retrying;
    task.attemptsMade = 1;
    task.maxAttempts = 4;
    task.createdAtMs = t0;
    task.updatedAtMs = t0 + 1'000;
    task.nextRunAtMs = t0 + 6'000;
    task.lastError = u"webhook: HTTP 502: Bad Gateway"_s;
    return task;
}

TaskInfo finishedTask()
{
    TaskInfo task = sampleTask();
    task.id = u"5c0e8a3e-0000-4000-8000-000000000002"_s;
    task.owner = u"Ünïcode-org"_s;
    task.repository = u"line\nbreak"_s;
    task.state = TaskState::Delivered;
    task.nextRunAtMs.reset();
    task.finishedAtMs = t0 + 9'999;
    task.lastError.clear();
    return task;
}

AttemptInfo sampleAttempt()
{
    AttemptInfo attempt;
    attempt.number = 1;
    attempt.startedAtMs = t0 + 500;
    attempt.finishedAtMs = t0 + 1'000;
    attempt.stage = u"deliver"_s;
    attempt.outcome = u"retry"_s;
    attempt.httpStatus = 502;
    attempt.error = u"webhook: HTTP 502: Bad Gateway"_s;
    attempt.githubRequests = 4;
    return attempt;
}

Snapshot sampleSnapshot()
{
    Snapshot snapshot;
    snapshot.server = { u"0.1.0"_s, 4242, t0 - 60'000, 4, 2 };
    TaskInfo waiting = sampleTask();
    waiting.waitingUntilMs = t0 + 30'000;
    waiting.githubRequests = 7;
    waiting.githubQuotaRequests = 5;
    snapshot.tasks = { waiting, finishedTask() };
    snapshot.omittedTasks = 3;
    snapshot.deduplicated = { FoldedRequest { t0 + 10, u"Octo-Org"_s, u"HELLO-WORLD"_s,
                                              sampleTask() } };
    snapshot.throttled = { ThrottledRequest { t0 + 20, u"octo-org"_s, u"third"_s, 2, 7 } };
    snapshot.counters = { 2, 1, 1, 10, 3, 1 };
    snapshot.rateLimit = RateLimit { 4999, 5000, t0 + 3'600'000 - 622, t0 };
    snapshot.history.firstMinuteMs = 1'796'315'520'000;
    snapshot.history.accepted = { 0, 5, 2 };
    snapshot.history.delivered = { 0, 0, 4 };
    snapshot.history.failed = { 1, 0, 0 };
    snapshot.history.throttled = { 0, 3, 0 };
    return snapshot;
}

void compareMessages(const Message &actual, const Message &expected)
{
    // The encodings make a readable failure message; the comparison is the real check.
    QCOMPARE(encode(actual), encode(expected));
    QVERIFY(actual == expected);
}

} // namespace

class TestMonitorProtocol : public QObject
{
    Q_OBJECT

private slots:
    void exactBytesOfAnEvent();
    void exactBytesOfACommandAndItsAnswers();
    void roundTrip_data();
    void roundTrip();
    void decodeRefuses_data();
    void decodeRefuses();
    void fieldsWithWrongTypes_data();
    void fieldsWithWrongTypes();
    void unknownFieldsAreIgnored();
    void timestamps();

    void framerReturnsLinesHoweverTheStreamIsCut();
    void framerTellsIncompleteFromTooLong();
    void framerAcceptsALineOfExactlyTheCap();
    void framerStaysTooLongUntilCleared();

    void socketPaths();
    void defaultSocketNamePerDataDirectory();
    void socketNameProblems_data();
    void socketNameProblems();
};

void TestMonitorProtocol::exactBytesOfAnEvent()
{
    const QByteArray expected =
            R"({"type":"task_accepted","v":1,"task":{"attempts_made":1,)"
            R"("created_at":"2026-12-03T16:34:55.622Z","finished_at":null,)"
            R"("id":"5c0e8a3e-0000-4000-8000-000000000001",)"
            R"("last_error":"webhook: HTTP 502: Bad Gateway","max_attempts":4,)"
            R"("next_run_at":"2026-12-03T16:35:01.622Z","owner":"octo-org",)"
            R"("repository":"hello-world","state":"retrying",)"
            R"("updated_at":"2026-12-03T16:34:56.622Z"}})"
            "\n";
    QCOMPARE(encode(TaskAccepted { sampleTask() }), expected);

    const QByteArray throttled = R"({"type":"request_throttled","v":1,)"
                                 R"("at":"2026-12-03T16:34:55.642Z","cap":2,"owner":"octo-org",)"
                                 R"("repository":"third","retry_after":7})"
                                 "\n";
    QCOMPARE(encode(RequestThrottled { { t0 + 20, u"octo-org"_s, u"third"_s, 2, 7 } }),
             throttled);

    // Absent rate-limit fields are left out, not null.
    QCOMPARE(encode(RateLimitChanged { { std::nullopt, 60, std::nullopt, t0 } }),
             QByteArray(R"({"type":"rate_limit","v":1,"limit":60,)"
                        R"("observed_at":"2026-12-03T16:34:55.622Z"})"
                        "\n"));
}

void TestMonitorProtocol::exactBytesOfACommandAndItsAnswers()
{
    QCOMPARE(encode(Command { CommandKind::Cancel, u"r7"_s, u"t1"_s }),
             QByteArray(R"({"type":"cancel","v":1,"id":"r7","task_id":"t1"})"
                        "\n"));
    QCOMPARE(encode(Command { CommandKind::Retry, u"r8"_s, u"t1"_s }),
             QByteArray(R"({"type":"retry","v":1,"id":"r8","task_id":"t1"})"
                        "\n"));

    CommandResult refused;
    refused.requestId = u"r7"_s;
    refused.command = u"cancel"_s;
    refused.error = { 409, u"task_running"_s, u"the task is running"_s };
    QCOMPARE(encode(refused),
             QByteArray(R"({"type":"result","v":1,"command":"cancel",)"
                        R"("error":{"code":"task_running","message":"the task is running",)"
                        R"("status":409},"id":"r7","ok":false})"
                        "\n"));

    QCOMPARE(encode(ProtocolError { u"line_too_long"_s, u"at most 16384 bytes"_s }),
             QByteArray(R"({"type":"error","v":1,"code":"line_too_long",)"
                        R"("message":"at most 16384 bytes"})"
                        "\n"));
}

void TestMonitorProtocol::roundTrip_data()
{
    QTest::addColumn<Message>("message");

    QTest::newRow("snapshot") << Message(sampleSnapshot());
    Snapshot empty;
    empty.history.firstMinuteMs = 0;
    QTest::newRow("empty snapshot, no rate limit") << Message(empty);
    QTest::newRow("task_accepted") << Message(TaskAccepted { sampleTask() });
    QTest::newRow("task_accepted, finished, non-ASCII")
            << Message(TaskAccepted { finishedTask() });
    QTest::newRow("request_deduplicated") << Message(RequestDeduplicated {
            { t0, u"Octo-Org"_s, u"HELLO-WORLD"_s, sampleTask() } });
    QTest::newRow("request_throttled")
            << Message(RequestThrottled { { t0, u"a"_s, u"b"_s, 1, 3600 } });
    QTest::newRow("task_state") << Message(TaskStateChanged { finishedTask() });
    QTest::newRow("attempt") << Message(AttemptFinished { sampleTask(), sampleAttempt() });
    AttemptInfo bare = sampleAttempt();
    bare.httpStatus.reset();
    bare.githubRequests.reset();
    bare.error.clear();
    bare.outcome = u"succeeded"_s;
    QTest::newRow("attempt without status or counts")
            << Message(AttemptFinished { finishedTask(), bare });
    QTest::newRow("rate_limit, every field")
            << Message(RateLimitChanged { { 0, 5000, t0 + 1'000, t0 } });
    QTest::newRow("rate_limit, no field") << Message(RateLimitChanged { { {}, {}, {}, t0 } });
    QTest::newRow("rate_limit_wait") << Message(RateLimitWait { u"t1"_s, t0 + 42'000 });
    QTest::newRow("counters") << Message(CountersChanged { { 1, 2, 3, 4, 5, 6 } });

    CommandResult ok;
    ok.requestId = u"r1"_s;
    ok.command = u"retry"_s;
    ok.ok = true;
    ok.task = sampleTask();
    QTest::newRow("result ok") << Message(ok);
    CommandResult details = ok;
    details.command = u"get_task"_s;
    details.attempts = { sampleAttempt(), bare };
    QTest::newRow("result of get_task") << Message(details);
    CommandResult refused;
    refused.requestId = u"r2"_s;
    refused.command = u"cancel"_s;
    refused.error = { 404, u"not_found"_s, u"no task with id \"x\""_s };
    QTest::newRow("result refused") << Message(refused);
    QTest::newRow("error") << Message(ProtocolError { u"invalid_message"_s, u"not JSON"_s });
    QTest::newRow("retry") << Message(Command { CommandKind::Retry, u"1"_s, u"t"_s });
    QTest::newRow("cancel") << Message(Command { CommandKind::Cancel, u"2"_s, u"t"_s });
    QTest::newRow("get_task") << Message(Command { CommandKind::GetTask, u"3"_s, u"t"_s });
}

void TestMonitorProtocol::roundTrip()
{
    QFETCH(Message, message);

    const QByteArray line = encode(message);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);  // a newline inside a string is escaped
    QVERIFY(line.startsWith("{\"type\":\"" + typeName(message).toUtf8() + "\",\"v\":1"));

    const DecodeResult decoded = decode(line.chopped(1));
    QVERIFY2(decoded.ok(), qPrintable(decoded.error.message));
    compareMessages(*decoded.message, message);
}

void TestMonitorProtocol::decodeRefuses_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<DecodeError::Kind>("kind");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("message");

    using Kind = DecodeError::Kind;
    QTest::newRow("not JSON") << QByteArray("{\"type\":") << Kind::InvalidJson << QString()
                              << u"not JSON: unterminated object at offset 8"_s;
    QTest::newRow("an array") << QByteArray("[1]") << Kind::InvalidJson << QString()
                              << u"not a JSON object"_s;
    QTest::newRow("empty line") << QByteArray() << Kind::InvalidJson << QString()
                                << u"not JSON: illegal value at offset 0"_s;
    QTest::newRow("no version")
            << QByteArray(R"({"type":"counters"})") << Kind::UnsupportedVersion << u"counters"_s
            << u"protocol version (none) is not supported (this side speaks 1)"_s;
    QTest::newRow("a newer version")
            << QByteArray(R"({"type":"counters","v":2})") << Kind::UnsupportedVersion
            << u"counters"_s << u"protocol version 2 is not supported (this side speaks 1)"_s;
    QTest::newRow("version as a string")
            << QByteArray(R"({"type":"counters","v":"1"})") << Kind::UnsupportedVersion
            << u"counters"_s
            << u"protocol version (not a number) is not supported (this side speaks 1)"_s;
    QTest::newRow("no type") << QByteArray(R"({"v":1})") << Kind::InvalidField << QString()
                             << u"\"type\" must be a string"_s;
    QTest::newRow("unknown type")
            << QByteArray(R"({"type":"heartbeat","v":1,"n":1})") << Kind::UnknownType
            << u"heartbeat"_s << u"unknown message type \"heartbeat\""_s;
    QTest::newRow("missing field")
            << QByteArray(R"({"type":"cancel","v":1,"id":"r1"})") << Kind::InvalidField
            << u"cancel"_s << u"cancel: \"task_id\" must be a string"_s;
    QTest::newRow("nested field")
            << QByteArray(R"({"type":"task_accepted","v":1,"task":{"id":"x","state":"odd"}})")
            << Kind::InvalidField << u"task_accepted"_s
            << u"task_accepted: \"task.state\" is not a task state"_s;
    QTest::newRow("time without milliseconds")
            << QByteArray(R"({"type":"rate_limit_wait","v":1,"task_id":"t",)"
                          R"("waiting_until":"2026-12-03T16:34:55"})")
            << Kind::InvalidField << u"rate_limit_wait"_s
            << u"rate_limit_wait: \"waiting_until\" must be an ISO 8601 UTC time with"
               " milliseconds"_s;
    QTest::newRow("fractional count")
            << QByteArray(R"({"type":"counters","v":1,"active":1.5,"deduplicated":0,)"
                          R"("throttled":0,"delivered":0,"failed":0,"cancelled":0})")
            << Kind::InvalidField << u"counters"_s
            << u"counters: \"active\" must be a whole number"_s;
    QTest::newRow("refused result without its error")
            << QByteArray(R"({"type":"result","v":1,"id":"r","command":"retry","ok":false})")
            << Kind::InvalidField << u"result"_s << u"result: \"error\" must be an object"_s;
}

void TestMonitorProtocol::decodeRefuses()
{
    QFETCH(QByteArray, line);
    QFETCH(DecodeError::Kind, kind);
    QFETCH(QString, type);
    QFETCH(QString, message);

    const DecodeResult result = decode(line);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.message, message);
    QCOMPARE(result.error.type, type);
    QCOMPARE(int(result.error.kind), int(kind));
}

void TestMonitorProtocol::fieldsWithWrongTypes_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("replacement");
    QTest::addColumn<QString>("message");

    QTest::newRow("history lengths differ")
            << u"\"throttled\":[0,3,0]"_s << u"\"throttled\":[0,3]"_s
            << u"snapshot: \"history.accepted\" and the other series must have equal lengths"_s;
    QTest::newRow("negative count in a series")
            << u"\"failed\":[1,0,0]"_s << u"\"failed\":[1,-1,0]"_s
            << u"snapshot: \"history.failed[1]\" must be a whole number >= 0"_s;
    QTest::newRow("a list item not an object")
            << u"\"throttled\":[{"_s << u"\"throttled\":[7,{"_s
            << u"snapshot: \"throttled[0]\" must be an object"_s;
    QTest::newRow("nested list item")
            << u"\"retry_after\":7"_s << u"\"retry_after\":\"7\""_s
            << u"snapshot: \"throttled[0].retry_after\" must be a whole number"_s;
    QTest::newRow("version not a string")
            << u"\"version\":\"0.1.0\""_s << u"\"version\":1"_s
            << u"snapshot: \"server.version\" must be a string"_s;
}

void TestMonitorProtocol::fieldsWithWrongTypes()
{
    QFETCH(QString, field);
    QFETCH(QString, replacement);
    QFETCH(QString, message);

    QString line = QString::fromUtf8(encode(sampleSnapshot()).chopped(1));
    QVERIFY2(line.contains(field), qPrintable(line));
    line.replace(field, replacement);

    const DecodeResult result = decode(line.toUtf8());
    QVERIFY(!result.ok());
    QCOMPARE(result.error.message, message);
    QCOMPARE(int(result.error.kind), int(DecodeError::Kind::InvalidField));
}

void TestMonitorProtocol::unknownFieldsAreIgnored()
{
    // A newer service may add fields; an older monitor reads what it knows.
    const DecodeResult result = decode(R"({"type":"counters","v":1,"active":1,"deduplicated":2,)"
                                       R"("throttled":3,"delivered":4,"failed":5,"cancelled":6,)"
                                       R"("retrying_now":9,"extra":{"a":[1]}})");
    QVERIFY2(result.ok(), qPrintable(result.error.message));
    compareMessages(*result.message, CountersChanged { { 1, 2, 3, 4, 5, 6 } });
}

void TestMonitorProtocol::timestamps()
{
    QCOMPARE(timestampText(0), u"1970-01-01T00:00:00.000Z"_s);
    QCOMPARE(timestampText(t0), u"2026-12-03T16:34:55.622Z"_s);
    QCOMPARE(parseTimestamp(u"2026-12-03T16:34:55.622Z"_s), std::optional<qint64>(t0));
    QCOMPARE(parseTimestamp(u"2026-12-03T17:34:55.622+01:00"_s), std::nullopt);
    QCOMPARE(parseTimestamp(u"yesterday"_s), std::nullopt);
}

void TestMonitorProtocol::framerReturnsLinesHoweverTheStreamIsCut()
{
    const QByteArray stream = "first\nsecond line\r\n\nthird {\"a\":1}\n";
    const QList<QByteArray> expected { "first", "second line", "", "third {\"a\":1}" };

    for (qsizetype chunk = 1; chunk <= stream.size(); ++chunk) {
        LineFramer framer(64);
        QList<QByteArray> lines;
        for (qsizetype at = 0; at < stream.size(); at += chunk) {
            framer.append(QByteArrayView(stream).sliced(at, std::min(chunk, stream.size() - at)));
            QByteArray line;
            LineFramer::Status status;
            while ((status = framer.next(&line)) == LineFramer::Status::Line)
                lines.append(line);
            QCOMPARE(int(status), int(LineFramer::Status::Incomplete));
        }
        QCOMPARE(lines, expected);
        QCOMPARE(framer.bufferedBytes(), 0);
    }
}

void TestMonitorProtocol::framerTellsIncompleteFromTooLong()
{
    LineFramer framer(10);
    QByteArray line = "untouched";

    framer.append("0123456789");  // exactly the cap, no '\n' yet: could still be a line
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::Incomplete));
    framer.append("\r");  // a '\r' may still precede the '\n'
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::Incomplete));
    framer.append("x");  // now over the cap whatever follows
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::TooLong));
    QCOMPARE(line, "untouched");

    LineFramer complete(10);
    complete.append("0123456789A\nshort\n");  // the '\n' is there, but too late
    QCOMPARE(int(complete.next(&line)), int(LineFramer::Status::TooLong));
}

void TestMonitorProtocol::framerAcceptsALineOfExactlyTheCap()
{
    LineFramer framer(10);
    framer.append("0123456789\r\n0123456789\n");
    QByteArray line;
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::Line));
    QCOMPARE(line, "0123456789");
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::Line));
    QCOMPARE(line, "0123456789");
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::Incomplete));
}

void TestMonitorProtocol::framerStaysTooLongUntilCleared()
{
    LineFramer framer(4);
    framer.append("toolong\nok\n");
    QByteArray line;
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::TooLong));
    framer.append("more\n");
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::TooLong));
    QCOMPARE(framer.bufferedBytes(), 11);  // nothing appended after the verdict is kept

    framer.clear();
    framer.append("ok\n");
    QCOMPARE(int(framer.next(&line)), int(LineFramer::Status::Line));
    QCOMPARE(line, "ok");
}

void TestMonitorProtocol::socketPaths()
{
    QCOMPARE(socketPath(u"/run/hookme/monitor.sock"_s), u"/run/hookme/monitor.sock"_s);
    QCOMPARE(socketPath(u"hookme-monitor"_s),
             QDir::cleanPath(QDir::tempPath()) + u"/hookme-monitor"_s);
}

void TestMonitorProtocol::defaultSocketNamePerDataDirectory()
{
    QCOMPARE(defaultSocketName(u"/var/lib/hookme"_s), u"/var/lib/hookme/monitor.sock"_s);
    QCOMPARE(defaultSocketName(u"/var/lib/hookme/"_s), u"/var/lib/hookme/monitor.sock"_s);
    QCOMPARE(defaultSocketName(u"data"_s), QDir(u"data"_s).absoluteFilePath(u"monitor.sock"_s));

    // Too long for a socket inside the directory: a name in the temporary directory that is
    // still one per data directory.
    const QString deep = u"/srv/"_s + QString(120, u'd');
    const QString name = defaultSocketName(deep);
    QVERIFY2(name.startsWith("hookme-monitor-"_L1) && name.endsWith(".sock"_L1),
             qPrintable(name));
    QCOMPARE(name.size(), 15 + 16 + 5);
    QCOMPARE(defaultSocketName(deep + u'/'), name);
    QVERIFY(defaultSocketName(deep + u'e') != name);
    QCOMPARE(socketNameProblem(name), QString());
}

void TestMonitorProtocol::socketNameProblems_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("problem");

    QTest::newRow("a name") << u"hookme-monitor"_s << QString();
    QTest::newRow("a path") << u"/run/user/1000/hookme.sock"_s << QString();
    QTest::newRow("longest path") << u"/"_s + QString(99, u'a') << QString();
    QTest::newRow("empty") << QString() << u"must not be empty"_s;
    QTest::newRow("newline") << u"a\nb"_s << u"must not contain control characters"_s;
    QTest::newRow("directory") << u"/tmp/"_s << u"must name a socket file, not a directory"_s;
    QTest::newRow("too long") << u"/"_s + QString(100, u'a')
                              << u"is too long for a local socket: its path has 101 bytes, at"
                                 " most 100 fit"_s;
}

void TestMonitorProtocol::socketNameProblems()
{
    QFETCH(QString, name);
    QFETCH(QString, problem);
    QCOMPARE(socketNameProblem(name), problem);
}

QTEST_APPLESS_MAIN(TestMonitorProtocol)
#include "tst_monitorprotocol.moc"
