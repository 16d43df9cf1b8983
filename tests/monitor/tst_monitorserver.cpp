// Specification of the service's monitor socket (service/monitorserver.h): in process, a real
// MonitorServer over a real store on a temporary socket, talked to by real local sockets; and
// the real hookme binary announcing its own work against a fake GitHub and a receiver.
#include "fakegithub.h"
#include "hookmeprocess.h"
#include "monitorserver.h"
#include "monitorsocketname.h"
#include "protocolclient.h"
#include "taskcommands.h"
#include "taskstore.h"
#include "testprinters.h"
#include "webhookreceiver.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <numeric>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;
using hookme::Attempt;
using hookme::AttemptOutcome;
using hookme::AttemptStage;
using hookme::MonitorServer;
using hookme::NewTask;
using hookme::Task;
using hookme::TaskCommands;
using hookme::TaskState;
using hookme::TaskStore;

namespace {

QString taskId(int number)
{
    return u"00000000-0000-4000-8000-%1"_s.arg(number, 12, 10, QChar(u'0'));
}

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The encodings make readable failures; the comparison is the real check.
#define COMPARE_MESSAGES(actual, expected)                                                         \
    do {                                                                                           \
        QCOMPARE(encode(Message(actual)), encode(Message(expected)));                              \
        QVERIFY(Message(actual) == Message(expected));                                             \
    } while (false)

// A Unix socket that connects and then never reads: a monitor that hangs.
class StuckSocket
{
public:
    explicit StuckSocket(const QString &path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address = {};
        address.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(path);
        std::memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()));
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    }
    ~StuckSocket() { ::close(m_fd); }

    bool isConnected() const { return m_connected; }

private:
    int m_fd = -1;
    bool m_connected = false;
};

// A socket file that nobody listens on, as a killed process leaves it.
bool makeStaleSocket(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    const QByteArray encoded = QFile::encodeName(path);
    std::memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()));
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

} // namespace

class TestMonitorServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void snapshotComesFirst();
    void snapshotIsBounded();
    void historyStartsFromTheStore();
    void socketIsForTheUserOnly();
    void refusesANameInUse();
    void replacesAStaleSocket();
    void refusesAFileThatIsNotASocket();
    void everyMonitorGetsEveryEvent();
    void countersFollowChanges();
    void rateLimitOnlyWhenItChanges();
    void deferredTaskWaitsForTheRateLimit();
    void stuckMonitorIsDroppedOthersKeepUp();
    void commandsFollowTheRules();
    void getTaskAnswersWithAttempts();
    void badLinesAreAnsweredNotFatal();
    void anOversizedLineEndsTheConnection();
    void tooManyMonitors();

    void realServiceAnnouncesItsWork();
    void realServiceDefaultSocketIsInTheDataDirectory();
    void realServiceRefusesATakenSocket();
    void realServiceRefusesAMalformedSocketName();
    void realServiceReplacesTheSocketAKillLeft();
    void realServiceTellsRateLimitWaits();

private:
    void startServer();
    Task storedTask(int number);

    std::unique_ptr<QTemporaryDir> m_directory;
    std::unique_ptr<TaskStore> m_store;
    std::unique_ptr<TaskCommands> m_commands;
    std::unique_ptr<MonitorServer> m_server;
    hookme::Settings m_settings;
    QString m_socketName;
};

void TestMonitorServer::initTestCase()
{
    QLoggingCategory::setFilterRules(u"hookme.store.info=false\nhookme.monitor.info=false\n"
                                     "hookme.commands.info=false"_s);
}

void TestMonitorServer::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
    m_store = std::make_unique<TaskStore>();
    QVERIFY2(
        m_store->open(m_directory->filePath(u"hookme.db"_s)), qPrintable(m_store->lastError()));
    m_commands = std::make_unique<TaskCommands>(m_store.get());
    m_settings = hookme::Settings();
    m_settings.maxSimultaneousJobs = 2;
    m_socketName = m_directory->filePath(u"monitor.sock"_s);
}

void TestMonitorServer::cleanup()
{
    m_server.reset();
    m_commands.reset();
    m_store.reset();
    m_directory.reset();
}

void TestMonitorServer::startServer()
{
    m_server = std::make_unique<MonitorServer>(m_store.get(), m_commands.get(), m_settings);
    // As main.cpp wires it.
    connect(m_commands.get(), &TaskCommands::taskChanged, m_server.get(),
        &MonitorServer::publishTaskChanged);
    QVERIFY2(m_server->listen(m_socketName), qPrintable(m_server->errorString()));
}

Task TestMonitorServer::storedTask(int number)
{
    return *m_store->task(taskId(number));
}

void TestMonitorServer::snapshotComesFirst()
{
    // 1 delivered, 2 running, 3 scheduled (due last), 4 cancelled, 5 scheduled.
    QVERIFY(m_store->insertTask({ taskId(1), u"octo"_s, u"one"_s, 100, 1'000 }));
    QVERIFY(m_store->insertTask({ taskId(2), u"octo"_s, u"two"_s, 200, 2'000 }));
    QVERIFY(m_store->insertTask({ taskId(3), u"octo"_s, u"three"_s, 300, 9'000 }));
    QVERIFY(m_store->insertTask({ taskId(4), u"octo"_s, u"four"_s, 400, 4'000 }));
    QVERIFY(m_store->insertTask({ taskId(5), u"octo"_s, u"five"_s, 500, 5'000 }));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    Attempt delivered;
    delivered.number = 1;
    delivered.startedAtMs = 1'000;
    delivered.finishedAtMs = 1'500;
    delivered.stage = AttemptStage::Deliver;
    QVERIFY(m_store->finishAttempt(taskId(1), delivered, TaskState::Delivered, std::nullopt));
    QCOMPARE(m_store->claimDue(2'000, 1).size(), 1);
    QCOMPARE(m_store->cancelTask(taskId(4), 3'000), std::optional<int>(1));
    startServer();

    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.messages().size(), 1);
    const QList<Message> messages = client.messages();
    const auto *snapshot = std::get_if<Snapshot>(&messages.first());
    QVERIFY(snapshot);

    QCOMPARE(snapshot->server.version, QStringLiteral(HOOKME_VERSION));
    QCOMPARE(snapshot->server.pid, QCoreApplication::applicationPid());
    QCOMPARE(snapshot->server.maxAttempts, 4);
    QCOMPARE(snapshot->server.maxSimultaneousJobs, 2);
    QVERIFY(snapshot->server.startedAtMs <= now());

    // Running first, then the soonest due; then the most recently finished.
    QStringList ids;
    for (const TaskInfo &task : snapshot->tasks)
        ids.append(task.id);
    QCOMPARE(ids, (QStringList { taskId(2), taskId(5), taskId(3), taskId(4), taskId(1) }));
    QCOMPARE(snapshot->omittedTasks, 0);

    TaskInfo first;
    first.id = taskId(1);
    first.owner = u"octo"_s;
    first.repository = u"one"_s;
    first.state = TaskState::Delivered;
    first.attemptsMade = 1;
    first.maxAttempts = 4;
    first.createdAtMs = 100;
    first.updatedAtMs = 1'500;
    first.finishedAtMs = 1'500; // and no next run: it is finished
    first.githubRequests = 0;   // the store counts them
    first.githubQuotaRequests = 0;
    QCOMPARE(
        encode(TaskStateChanged { snapshot->tasks.last() }), encode(TaskStateChanged { first }));

    QCOMPARE(snapshot->counters, (Counters { 3, 0, 0, 1, 0, 1 }));
    QVERIFY(snapshot->deduplicated.isEmpty());
    QVERIFY(snapshot->throttled.isEmpty());
    QCOMPARE(snapshot->rateLimit, std::nullopt);
    QCOMPARE(snapshot->history.accepted.size(), 60);
    QCOMPARE(
        snapshot->history.firstMinuteMs, ActivityLog::minuteOf(now()) - 59 * ActivityLog::minuteMs);
}

void TestMonitorServer::snapshotIsBounded()
{
    const int extra = 7;
    QVERIFY(m_store->inTransaction([&] {
        for (int i = 0; i < MonitorServer::maxSnapshotUnfinished + extra; ++i) {
            if (!m_store->insertTask({ taskId(i), u"octo"_s, u"r%1"_s.arg(i), 100, 1'000 + i }))
                return false;
        }
        return true;
    }));
    startServer();

    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.messages().size(), 1);
    const Snapshot snapshot = std::get<Snapshot>(client.messages().first());
    QCOMPARE(snapshot.tasks.size(), MonitorServer::maxSnapshotUnfinished);
    QCOMPARE(snapshot.omittedTasks, extra);
    QCOMPARE(snapshot.tasks.first().id, taskId(0)); // the soonest due are the ones kept
    QCOMPARE(snapshot.counters.active, MonitorServer::maxSnapshotUnfinished + extra);
}

void TestMonitorServer::historyStartsFromTheStore()
{
    const qint64 minute = ActivityLog::minuteOf(now());
    QVERIFY(m_store->insertTask({ taskId(1), u"octo"_s, u"a"_s, minute - 1, minute }));
    QVERIFY(m_store->insertTask({ taskId(2), u"octo"_s, u"b"_s, minute + 1, minute + 2 }));
    QVERIFY(m_store->insertTask({ taskId(3), u"octo"_s, u"c"_s, minute - 7'200'000, 5 }));
    startServer();

    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.messages().size(), 1);
    const ActivityHistory history = std::get<Snapshot>(client.messages().first()).history;
    QList<int> accepted(60, 0);
    // The minute before this one, unless this minute turned over since the tasks were made.
    if (history.firstMinuteMs == minute - 59 * ActivityLog::minuteMs) {
        accepted[58] = 1;
        accepted[59] = 1;
        QCOMPARE(history.accepted, accepted);
    }
    QCOMPARE(history.delivered, QList<int>(60, 0));
}

void TestMonitorServer::socketIsForTheUserOnly()
{
    startServer();
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(m_socketName).constData(), &status), 0);
    QVERIFY(S_ISSOCK(status.st_mode));
    QCOMPARE(status.st_mode & 0777, 0700u);
    QCOMPARE(status.st_uid, ::getuid());
    QCOMPARE(m_server->fullServerName(), m_socketName);
}

void TestMonitorServer::refusesANameInUse()
{
    startServer();
    MonitorServer second(m_store.get(), m_commands.get(), m_settings);
    QVERIFY(!second.listen(m_socketName));
    QCOMPARE(second.errorString(), u"another process is listening on %1"_s.arg(m_socketName));

    // The first one still serves.
    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });
}

void TestMonitorServer::replacesAStaleSocket()
{
    QVERIFY(makeStaleSocket(m_socketName));
    QVERIFY(QFile::exists(m_socketName));
    startServer();

    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });
}

void TestMonitorServer::refusesAFileThatIsNotASocket()
{
    QFile file(m_socketName);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("precious");
    file.close();

    MonitorServer server(m_store.get(), m_commands.get(), m_settings);
    QVERIFY(!server.listen(m_socketName));
    QCOMPARE(server.errorString(), u"%1 exists and is not a socket"_s.arg(m_socketName));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), "precious");
}

void TestMonitorServer::everyMonitorGetsEveryEvent()
{
    startServer();
    const qint64 createdAt = now();
    QVERIFY(m_store->insertTask(
        { taskId(1), u"octo-org"_s, u"hello-world"_s, createdAt, createdAt + 1'000 }));
    const Task task = storedTask(1);

    std::vector<std::unique_ptr<ProtocolClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<ProtocolClient>());
        clients.back()->connectTo(m_socketName);
    }
    for (const auto &client : clients)
        QTRY_COMPARE(client->types(), QStringList { u"snapshot"_s });
    QCOMPARE(m_server->clientCount(), 3);

    const qint64 before = now();
    m_server->publishTaskAccepted(task);
    m_server->publishRequestDeduplicated(u"Octo-Org"_s, u"HELLO-WORLD"_s, task);
    m_server->publishRequestThrottled(u"octo-org"_s, u"third"_s, 2, 9);
    Task running = task;
    running.state = TaskState::Running;
    m_server->publishTaskChanged(running);
    Task retrying = task;
    retrying.state = TaskState::Retrying;
    retrying.attemptsMade = 1;
    retrying.nextRunAtMs = 7'000;
    retrying.lastError = u"webhook: HTTP 502: Bad Gateway"_s;
    Attempt attempt;
    attempt.number = 1;
    attempt.startedAtMs = 1'000;
    attempt.finishedAtMs = 2'000;
    attempt.stage = AttemptStage::Deliver;
    attempt.outcome = AttemptOutcome::Retry;
    attempt.httpStatus = 502;
    attempt.error = retrying.lastError;
    attempt.githubRequests = 4;
    m_server->publishAttemptFinished(retrying, attempt);
    m_server->publishRateLimit(4'990, 5'000, 1'800'000'000'000);
    const qint64 after = now();

    const QStringList expectedTypes { u"snapshot"_s, u"task_accepted"_s, u"request_deduplicated"_s,
        u"request_throttled"_s, u"task_state"_s, u"attempt"_s,
        u"rate_limit"_s };
    for (const auto &client : clients) {
        QTRY_COMPARE(client->types().mid(0, 7), expectedTypes);
        QVERIFY(client->decodeErrors().isEmpty());
    }

    const ProtocolClient &client = *clients.front();
    TaskInfo info { task.id, u"octo-org"_s, u"hello-world"_s, TaskState::Scheduled, 0, 4, createdAt,
        createdAt, createdAt + 1'000, std::nullopt, QString(), std::nullopt, 0, 0 };
    COMPARE_MESSAGES((client.received<TaskAccepted>().at(0)), (TaskAccepted { info }));

    const FoldedRequest folded = client.received<RequestDeduplicated>().at(0).request;
    QVERIFY(folded.atMs >= before && folded.atMs <= after);
    COMPARE_MESSAGES((RequestDeduplicated { folded }),
        (RequestDeduplicated { { folded.atMs, u"Octo-Org"_s, u"HELLO-WORLD"_s, info } }));

    const ThrottledRequest throttled = client.received<RequestThrottled>().at(0).request;
    QVERIFY(throttled.atMs >= before && throttled.atMs <= after);
    COMPARE_MESSAGES((RequestThrottled { throttled }),
        (RequestThrottled { { throttled.atMs, u"octo-org"_s, u"third"_s, 2, 9 } }));

    TaskInfo runningInfo = info;
    runningInfo.state = TaskState::Running;
    COMPARE_MESSAGES(
        (client.received<TaskStateChanged>().at(0)), (TaskStateChanged { runningInfo }));

    TaskInfo retryingInfo = info;
    retryingInfo.state = TaskState::Retrying;
    retryingInfo.attemptsMade = 1;
    retryingInfo.nextRunAtMs = 7'000;
    retryingInfo.lastError = u"webhook: HTTP 502: Bad Gateway"_s;
    const AttemptInfo attemptInfo { 1, 1'000, 2'000, u"deliver"_s, u"retry"_s, 502,
        u"webhook: HTTP 502: Bad Gateway"_s, 4 };
    COMPARE_MESSAGES((client.received<AttemptFinished>().at(0)),
        (AttemptFinished { retryingInfo, attemptInfo }));

    const RateLimit rateLimit = client.received<RateLimitChanged>().at(0).rateLimit;
    QVERIFY(rateLimit.observedAtMs >= before && rateLimit.observedAtMs <= after);
    COMPARE_MESSAGES((RateLimitChanged { rateLimit }),
        (RateLimitChanged { { 4'990, 5'000, 1'800'000'000'000, rateLimit.observedAtMs } }));

    // A monitor that connects now finds the requests and the rate limit in its snapshot.
    ProtocolClient late;
    late.connectTo(m_socketName);
    QTRY_COMPARE(late.messages().size(), 1);
    const Snapshot snapshot = std::get<Snapshot>(late.messages().first());
    QCOMPARE(snapshot.deduplicated, QList<FoldedRequest> { folded });
    QCOMPARE(snapshot.throttled, QList<ThrottledRequest> { throttled });
    QCOMPARE(snapshot.rateLimit, std::optional<RateLimit>(rateLimit));
    QCOMPARE(snapshot.counters.deduplicated, 1);
    QCOMPARE(snapshot.counters.throttled, 1);
    QCOMPARE(
        std::accumulate(snapshot.history.accepted.cbegin(), snapshot.history.accepted.cend(), 0),
        1);
    QCOMPARE(
        std::accumulate(snapshot.history.throttled.cbegin(), snapshot.history.throttled.cend(), 0),
        1);
}

void TestMonitorServer::countersFollowChanges()
{
    startServer();
    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });

    QVERIFY(m_store->insertTask({ taskId(1), u"octo"_s, u"a"_s, 100, 1'000 }));
    QVERIFY(m_store->insertTask({ taskId(2), u"octo"_s, u"b"_s, 100, 2'000 }));
    m_server->publishTaskAccepted(storedTask(1));
    m_server->publishTaskAccepted(storedTask(2));
    m_server->publishRequestDeduplicated(u"octo"_s, u"A"_s, storedTask(1));

    // Coalesced: one counters message for the three events.
    QTRY_COMPARE(client.received<CountersChanged>().size(), 1);
    QCOMPARE(client.received<CountersChanged>().at(0).counters, (Counters { 2, 1, 0, 0, 0, 0 }));

    QVERIFY(m_commands->cancel(taskId(2)).ok());
    QTRY_COMPARE(client.received<CountersChanged>().size(), 2);
    QCOMPARE(client.received<CountersChanged>().at(1).counters, (Counters { 1, 1, 0, 0, 0, 1 }));

    // Nothing changed, nothing sent.
    m_server->publishTaskChanged(storedTask(1));
    QTest::qWait(MonitorServer::countersIntervalMs * 2);
    QCOMPARE(client.received<CountersChanged>().size(), 2);
}

void TestMonitorServer::rateLimitOnlyWhenItChanges()
{
    startServer();
    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });

    m_server->publishRateLimit(10, 60, 1'000'000);
    m_server->publishRateLimit(10, 60, 1'000'000);
    m_server->publishRateLimit(9, 60, 1'000'000);
    QTRY_COMPARE(client.received<RateLimitChanged>().size(), 2);
    QCOMPARE(
        client.received<RateLimitChanged>().at(1).rateLimit.remaining, std::optional<qint64>(9));
}

void TestMonitorServer::deferredTaskWaitsForTheRateLimit()
{
    startServer();
    QVERIFY(m_store->insertTask({ taskId(1), u"octo"_s, u"a"_s, 100, 1'000 }));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    QVERIFY(m_store->addGitHubRequests(taskId(1), 3, 2));
    QVERIFY(m_store->deferAttempt(taskId(1), 90'000, 2'000));

    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });
    m_server->publishTaskDeferred(taskId(1), 90'000);
    QTRY_COMPARE(client.types(),
                 (QStringList { u"snapshot"_s, u"rate_limit_wait"_s, u"task_state"_s }));

    COMPARE_MESSAGES((client.received<RateLimitWait>().at(0)),
        (RateLimitWait { taskId(1), 90'000 }));
    TaskInfo waiting { taskId(1), u"octo"_s, u"a"_s, TaskState::Scheduled, 0, 4, 100, 2'000, 90'000,
        std::nullopt, QString(), 90'000, 3, 2 };
    COMPARE_MESSAGES((client.received<TaskStateChanged>().at(0)), (TaskStateChanged { waiting }));

    // A monitor that connects later sees the wait in its snapshot.
    ProtocolClient late;
    late.connectTo(m_socketName);
    QTRY_COMPARE(late.messages().size(), 1);
    QCOMPARE(std::get<Snapshot>(late.messages().first()).tasks, QList<TaskInfo> { waiting });
}

void TestMonitorServer::stuckMonitorIsDroppedOthersKeepUp()
{
    const qint64 bound = 64 * 1024;
    startServer();
    m_server->setMaxBufferedBytes(bound);
    QSignalSpy dropped(m_server.get(), &MonitorServer::clientDropped);

    ProtocolClient reader;
    reader.connectTo(m_socketName);
    StuckSocket stuck(m_socketName);
    QVERIFY(stuck.isConnected());
    QTRY_COMPARE(m_server->clientCount(), 2);
    QTRY_COMPARE(reader.types(), QStringList { u"snapshot"_s });

    // Events until the stuck monitor is dropped: once the kernel's socket buffer and then the
    // bound are full (how much the kernel takes depends on the machine). Every publish returns
    // at once: in this single thread, a write that waited for the stuck monitor would hang.
    const int maxEvents = 200'000;
    int events = 0;
    Task task;
    task.owner = u"octo-org"_s;
    task.repository = u"hello-world"_s;
    while (m_server->clientCount() == 2 && events < maxEvents) {
        task.id = taskId(events++);
        m_server->publishTaskAccepted(task);
        if (events % 20 == 0)
            QCoreApplication::processEvents(); // lets Qt flush to the sockets
    }

    QCOMPARE(m_server->clientCount(), 1);
    QCOMPARE(dropped.size(), 1);
    QVERIFY2(dropped.at(0).at(0).toString().contains(u"would pass the bound of 65536"_s),
        qPrintable(dropped.at(0).at(0).toString()));

    // The monitor that reads gets everything, in order, and more after the drop.
    m_server->publishTaskAccepted(task);
    ++events;
    QTRY_COMPARE_WITH_TIMEOUT(reader.received<TaskAccepted>().size(), events, 20'000);
    for (int i = 0; i < events - 1; ++i)
        QCOMPARE(reader.received<TaskAccepted>().at(i).task.id, taskId(i));
    QVERIFY(reader.isConnected());
}

void TestMonitorServer::commandsFollowTheRules()
{
    startServer();
    QVERIFY(m_store->insertTask({ taskId(1), u"octo"_s, u"a"_s, 100, 1'000 }));
    ProtocolClient client;
    ProtocolClient watcher;
    client.connectTo(m_socketName);
    watcher.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });
    QTRY_COMPARE(watcher.types(), QStringList { u"snapshot"_s });

    client.send(Command { CommandKind::Retry, u"r1"_s, taskId(1) });
    client.send(Command { CommandKind::Cancel, u"r2"_s, taskId(1) });
    client.send(Command { CommandKind::Cancel, u"r3"_s, taskId(1) });
    client.send(Command { CommandKind::Cancel, u"r4"_s, u"nope"_s });
    QTRY_COMPARE(client.received<CommandResult>().size(), 4);
    const QList<CommandResult> results = client.received<CommandResult>();

    CommandResult notFailed { u"r1"_s, u"retry"_s, false, std::nullopt, {},
        { 409, u"task_not_failed"_s,
            u"task %1 is scheduled; only a failed task can be retried"_s.arg(taskId(1)) } };
    COMPARE_MESSAGES((results.at(0)), (notFailed));

    QCOMPARE(results.at(1).requestId, u"r2"_s);
    QCOMPARE(results.at(1).command, u"cancel"_s);
    QVERIFY(results.at(1).ok);
    COMPARE_NAMES(results.at(1).task->state, TaskState::Cancelled);
    QCOMPARE(results.at(1).task->nextRunAtMs, std::nullopt);

    CommandResult finished { u"r3"_s, u"cancel"_s, false, std::nullopt, {},
        { 409, u"task_finished"_s, u"task %1 is cancelled already"_s.arg(taskId(1)) } };
    COMPARE_MESSAGES((results.at(2)), (finished));
    CommandResult missing { u"r4"_s, u"cancel"_s, false, std::nullopt, {},
        { 404, u"not_found"_s, u"no task with id \"nope\""_s } };
    COMPARE_MESSAGES((results.at(3)), (missing));

    // Every monitor hears of the change; only the one that asked gets the results.
    QTRY_COMPARE(watcher.received<TaskStateChanged>().size(), 1);
    QCOMPARE(watcher.received<TaskStateChanged>().at(0).task, *results.at(1).task);
    QVERIFY(watcher.received<CommandResult>().isEmpty());
}

void TestMonitorServer::getTaskAnswersWithAttempts()
{
    startServer();
    QVERIFY(m_store->insertTask({ taskId(1), u"octo"_s, u"a"_s, 100, 1'000 }));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    Attempt failed;
    failed.number = 1;
    failed.startedAtMs = 1'000;
    failed.finishedAtMs = 1'200;
    failed.stage = AttemptStage::Collect;
    failed.outcome = AttemptOutcome::Failed;
    failed.httpStatus = 404;
    failed.error = u"repository not found"_s;
    QVERIFY(m_store->finishAttempt(taskId(1), failed, TaskState::Failed, std::nullopt));

    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });
    client.send(Command { CommandKind::GetTask, u"g1"_s, taskId(1) });
    QTRY_COMPARE(client.received<CommandResult>().size(), 1);

    const CommandResult result = client.received<CommandResult>().at(0);
    QVERIFY(result.ok);
    QCOMPARE(result.command, u"get_task"_s);
    COMPARE_NAMES(result.task->state, TaskState::Failed);
    QCOMPARE(result.task->lastError, u"repository not found"_s);
    const AttemptInfo expected { 1, 1'000, 1'200, u"collect"_s, u"failed"_s, 404,
        u"repository not found"_s, std::nullopt };
    QCOMPARE(result.attempts, QList<AttemptInfo> { expected });

    // And retry, which a failed task allows.
    client.send(Command { CommandKind::Retry, u"g2"_s, taskId(1) });
    QTRY_COMPARE(client.received<CommandResult>().size(), 2);
    QVERIFY(client.received<CommandResult>().at(1).ok);
    COMPARE_NAMES(client.received<CommandResult>().at(1).task->state, TaskState::Retrying);
}

void TestMonitorServer::badLinesAreAnsweredNotFatal()
{
    startServer();
    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });

    client.sendRaw("not json\n");
    client.sendRaw(R"({"type":"cancel","v":2,"id":"x","task_id":"y"})"
                   "\n");
    client.sendRaw(R"({"type":"subscribe","v":1})"
                   "\n");
    client.send(CountersChanged {});
    client.sendRaw(R"({"type":"cancel","v":1,"id":"x"})"
                   "\n");
    client.send(Command { CommandKind::GetTask, u"still-here"_s, u"none"_s });

    QTRY_COMPARE(client.messages().size(), 7);
    const QList<ProtocolError> errors = client.received<ProtocolError>();
    QCOMPARE(errors.size(), 5);
    QCOMPARE(errors.at(0),
        (ProtocolError { u"invalid_message"_s, u"not JSON: illegal value at offset 1"_s }));
    QCOMPARE(errors.at(1),
        (ProtocolError {
            u"invalid_message"_s, u"protocol version 2 is not supported (this side speaks 1)"_s }));
    QCOMPARE(errors.at(2),
        (ProtocolError { u"unknown_type"_s, u"unknown message type \"subscribe\""_s }));
    QCOMPARE(errors.at(3),
        (ProtocolError { u"unexpected_message"_s,
            u"a monitor sends only retry, cancel and get_task, not counters"_s }));
    QCOMPARE(errors.at(4),
        (ProtocolError { u"invalid_message"_s, u"cancel: \"task_id\" must be a string"_s }));
    QCOMPARE(client.received<CommandResult>().at(0).requestId, u"still-here"_s);
    QVERIFY(client.isConnected());
}

void TestMonitorServer::anOversizedLineEndsTheConnection()
{
    startServer();
    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });

    client.sendRaw(QByteArray(maxCommandLineBytes + 2, 'x')); // no '\n' needed to tell
    QTRY_VERIFY(client.wasDisconnected());
    QCOMPARE(client.received<ProtocolError>(),
        QList<ProtocolError> {
            (ProtocolError { u"line_too_long"_s, u"a line is longer than 16384 bytes"_s }) });
    QTRY_COMPARE(m_server->clientCount(), 0);
}

void TestMonitorServer::tooManyMonitors()
{
    startServer();
    std::vector<std::unique_ptr<ProtocolClient>> clients;
    for (int i = 0; i < MonitorServer::maxClients; ++i) {
        clients.push_back(std::make_unique<ProtocolClient>());
        clients.back()->connectTo(m_socketName);
    }
    QTRY_COMPARE(m_server->clientCount(), MonitorServer::maxClients);

    ProtocolClient refused;
    refused.connectTo(m_socketName);
    QTRY_VERIFY(refused.wasDisconnected());
    QCOMPARE(refused.types(), QStringList { u"error"_s });
    QCOMPARE(refused.received<ProtocolError>().at(0).code, u"too_many_monitors"_s);

    // A place frees up when one leaves.
    clients.pop_back();
    QTRY_COMPARE(m_server->clientCount(), MonitorServer::maxClients - 1);
    ProtocolClient next;
    next.connectTo(m_socketName);
    QTRY_COMPARE(next.types(), QStringList { u"snapshot"_s });
}

void TestMonitorServer::realServiceAnnouncesItsWork()
{
    FakeGitHub github;
    QVERIFY(github.listen());
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"hello-world"_s;
    repository.issues = { FakeGitHub::makeIssue(1, u"Crash"_s, u"octocat"_s) };
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 3) };
    github.addRepository(repository);
    github.addUser(u"octocat"_s, u"The Octocat"_s);

    const QString socket = m_directory->filePath(u"hookme-monitor.sock"_s);
    HookmeProcess hookme(m_directory->filePath(u"data"_s),
        { { u"API_URL"_s, github.baseUrl().toString() },
            { u"WEBHOOK_URL"_s, receiver.url().toString() }, { u"SCHEDULE_INTERVAL"_s, u"1000"_s },
            { u"MONITOR_SOCKET"_s, socket } });
    QVERIFY(hookme.start());
    QVERIFY2(hookme.output().contains(u"monitor socket %1\n"_s.arg(socket)),
        qPrintable(hookme.output()));

    ProtocolClient client;
    client.connectTo(socket);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });

    const HttpAnswer accepted = hookme.submit(u"octo-org"_s, u"hello-world"_s);
    QCOMPARE(accepted.status, 202);
    const QString id = accepted.json().value("id"_L1).toString();
    QCOMPARE(hookme.submit(u"Octo-Org"_s, u"Hello-World"_s).status, 200);

    QTRY_COMPARE_WITH_TIMEOUT(client.received<AttemptFinished>().size(), 1, 15'000);
    QStringList events = client.types();
    events.removeAll(u"counters"_s); // they come when they come
    events.removeAll(u"rate_limit"_s);
    QCOMPARE(events,
        (QStringList { u"snapshot"_s, u"task_accepted"_s, u"request_deduplicated"_s,
            u"task_state"_s, u"attempt"_s }));
    QCOMPARE(client.received<TaskAccepted>().at(0).task.id, id);
    QCOMPARE(client.received<RequestDeduplicated>().at(0).request.task.id, id);
    QCOMPARE(client.received<RequestDeduplicated>().at(0).request.owner, u"Octo-Org"_s);

    // Running, then the attempt that delivered it, with the GitHub requests it made.
    const QList<TaskStateChanged> states = client.received<TaskStateChanged>();
    QCOMPARE(states.size(), 1);
    COMPARE_NAMES(states.at(0).task.state, TaskState::Running);
    const AttemptFinished finished = client.received<AttemptFinished>().at(0);
    QCOMPARE(finished.task.id, id);
    COMPARE_NAMES(finished.task.state, TaskState::Delivered);
    QCOMPARE(finished.attempt.outcome, u"succeeded"_s);
    QCOMPARE(finished.attempt.stage, u"deliver"_s);
    QCOMPARE(finished.attempt.httpStatus, std::optional<int>(204));
    QCOMPARE(finished.attempt.githubRequests, std::optional<int>(github.requestCount()));

    // GitHub's quota as its last answer told it.
    QTRY_VERIFY(!client.received<RateLimitChanged>().isEmpty());
    const RateLimit last = client.received<RateLimitChanged>().last().rateLimit;
    QCOMPARE(last.limit, std::optional<qint64>(5000));
    QCOMPARE(last.remaining, std::optional<qint64>(5000 - github.requestCount()));

    QTRY_VERIFY(!client.received<CountersChanged>().isEmpty()
        && client.received<CountersChanged>().last().counters == (Counters { 0, 1, 0, 1, 0, 0 }));
    QVERIFY(client.decodeErrors().isEmpty());
}

void TestMonitorServer::realServiceDefaultSocketIsInTheDataDirectory()
{
    const QString dataDir = m_directory->filePath(u"data"_s);
    HookmeProcess hookme(dataDir, { { u"WEBHOOK_URL"_s, u"http://127.0.0.1:9/hook"_s } });
    QVERIFY(hookme.start());

    const QString socket = dataDir + u"/monitor.sock"_s;
    QCOMPARE(defaultSocketName(dataDir), socket);
    QVERIFY2(hookme.output().contains(u"monitor socket %1\n"_s.arg(socket)),
        qPrintable(hookme.output()));
    ProtocolClient client;
    client.connectTo(socket);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });

    // A clean stop removes it.
    QCOMPARE(hookme.terminate(), 0);
    QVERIFY(!QFile::exists(socket));
}

void TestMonitorServer::realServiceRefusesATakenSocket()
{
    startServer();
    QProcess process;
    QProcessEnvironment environment;
    environment.insert(u"WEBHOOK_URL"_s, u"http://127.0.0.1:9/hook"_s);
    environment.insert(u"DATA_DIR"_s, m_directory->filePath(u"other"_s));
    environment.insert(u"PORT"_s, u"0"_s);
    environment.insert(u"MONITOR_SOCKET"_s, m_socketName);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(HOOKME_BINARY), {});
    QVERIFY(QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 10'000));

    QCOMPARE(process.exitCode(), 2);
    // The last line; the log lines of the start-up come before it.
    const QList<QByteArray> lines = process.readAllStandardError().trimmed().split('\n');
    QCOMPARE(lines.last(),
        "hookme: MONITOR_SOCKET: cannot listen on " + m_socketName.toUtf8()
            + ": another process is listening on " + m_socketName.toUtf8());
}

void TestMonitorServer::realServiceRefusesAMalformedSocketName()
{
    QProcess process;
    QProcessEnvironment environment;
    environment.insert(u"WEBHOOK_URL"_s, u"http://127.0.0.1:9/hook"_s);
    environment.insert(u"DATA_DIR"_s, m_directory->filePath(u"data"_s));
    environment.insert(u"MONITOR_SOCKET"_s, u"/run/hookme/"_s);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(HOOKME_BINARY), {});
    QVERIFY(process.waitForFinished(10'000));

    QCOMPARE(process.exitCode(), 2);
    QCOMPARE(process.readAllStandardError(),
        "hookme: MONITOR_SOCKET must name a socket file, not a directory, got "
        "\"/run/hookme/\"\n");
}

void TestMonitorServer::realServiceReplacesTheSocketAKillLeft()
{
    const QString dataDir = m_directory->filePath(u"data"_s);
    const QMap<QString, QString> settings { { u"WEBHOOK_URL"_s, u"http://127.0.0.1:9/hook"_s },
        { u"MONITOR_SOCKET"_s, m_socketName } };
    {
        HookmeProcess hookme(dataDir, settings);
        QVERIFY(hookme.start());
        hookme.kill();
    }
    QVERIFY(QFile::exists(m_socketName));

    HookmeProcess restarted(dataDir, settings);
    QVERIFY(restarted.start());
    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });
}

void TestMonitorServer::realServiceTellsRateLimitWaits()
{
    FakeGitHub github;
    QVERIFY(github.listen());
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"hello-world"_s;
    repository.issues = { FakeGitHub::makeIssue(1, u"Crash"_s, u"octocat"_s) };
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 3),
                                FakeGitHub::makeContributor(u"hubot"_s, 1) };
    github.addRepository(repository);
    github.addUser(u"octocat"_s, u"The Octocat"_s);
    github.addUser(u"hubot"_s, u"Hubot"_s);
    // Two requests left; the collection needs four (issues, contributors, two names).
    const qint64 reset = QDateTime::currentSecsSinceEpoch() + 3;
    github.setRateLimit(60, 2, reset);

    HookmeProcess hookme(m_directory->filePath(u"data"_s),
                         { { u"API_URL"_s, github.baseUrl().toString() },
                           { u"WEBHOOK_URL"_s, receiver.url().toString() },
                           { u"SCHEDULE_INTERVAL"_s, u"0"_s },
                           { u"GITHUB_QUOTA_RESERVE"_s, u"0"_s },
                           { u"MONITOR_SOCKET"_s, m_socketName } });
    QVERIFY(hookme.start());
    ProtocolClient client;
    client.connectTo(m_socketName);
    QTRY_COMPARE(client.types(), QStringList { u"snapshot"_s });
    const QString id = hookme.submit(u"octo-org"_s, u"hello-world"_s).json()["id"_L1].toString();

    // The wait, then the task back to scheduled with it, and the quota that ran out.
    QTRY_COMPARE_WITH_TIMEOUT(client.received<RateLimitWait>().size(), 1, 10'000);
    const qint64 until = (reset + 1) * 1000;
    COMPARE_MESSAGES((client.received<RateLimitWait>().at(0)), (RateLimitWait { id, until }));
    QTRY_VERIFY(!client.received<TaskStateChanged>().isEmpty()
                && client.received<TaskStateChanged>().last().task.waitingUntilMs);
    const TaskInfo waiting = client.received<TaskStateChanged>().last().task;
    COMPARE_NAMES(waiting.state, TaskState::Scheduled);
    QCOMPARE(waiting.waitingUntilMs, std::optional<qint64>(until));
    QCOMPARE(waiting.nextRunAtMs, std::optional<qint64>(until));
    QCOMPARE(waiting.attemptsMade, 0);
    QCOMPARE(waiting.githubRequests, std::optional<int>(3));
    const RateLimit quota = client.received<RateLimitChanged>().last().rateLimit;
    QCOMPARE(quota.remaining, std::optional<qint64>(0));
    QCOMPARE(quota.limit, std::optional<qint64>(60));

    // After the reset it runs and is delivered; the wait is over.
    github.resetRateLimit(60);
    QTRY_COMPARE_WITH_TIMEOUT(client.received<AttemptFinished>().size(), 1, 15'000);
    const AttemptFinished finished = client.received<AttemptFinished>().at(0);
    COMPARE_NAMES(finished.task.state, TaskState::Delivered);
    QCOMPARE(finished.task.waitingUntilMs, std::nullopt);
    QCOMPARE(finished.task.attemptsMade, 1);
    QVERIFY(QDateTime::currentMSecsSinceEpoch() >= until);
}

QTEST_GUILESS_MAIN(TestMonitorServer)
#include "tst_monitorserver.moc"
