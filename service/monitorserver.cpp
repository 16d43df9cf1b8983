#include "monitorserver.h"

#include "lineframer.h"
#include "monitorsocketname.h"
#include "taskcommands.h"
#include "taskstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QLocalSocket>
#include <QLoggingCategory>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

Q_LOGGING_CATEGORY(lcMonitor, "hookme.monitor", QtInfoMsg)

namespace hookme {

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

AttemptInfo attemptInfo(const Attempt &attempt)
{
    AttemptInfo info;
    info.number = attempt.number;
    info.startedAtMs = attempt.startedAtMs;
    info.finishedAtMs = attempt.finishedAtMs;
    info.stage = toString(attempt.stage);
    info.outcome = toString(attempt.outcome);
    info.httpStatus = attempt.httpStatus;
    info.error = attempt.error;
    info.githubRequests = attempt.githubRequests;
    return info;
}

template<typename T>
void keepRecent(QList<T> *list, const T &item)
{
    list->append(item);
    if (list->size() > MonitorServer::recentRequestsKept)
        list->removeFirst();
}

} // namespace

struct MonitorServer::Client {
    QLocalSocket *socket = nullptr;
    LineFramer framer { maxCommandLineBytes };
};

MonitorServer::MonitorServer(TaskStore *store, TaskCommands *commands, const Settings &settings,
                             QObject *parent)
    : QObject(parent), m_store(store), m_commands(commands), m_settings(settings)
{
    m_serverInfo.version = QStringLiteral(HOOKME_VERSION);
    m_serverInfo.pid = QCoreApplication::applicationPid();
    m_serverInfo.startedAtMs = now();
    m_serverInfo.maxAttempts = settings.retryMaxAttempts + 1;
    m_serverInfo.maxSimultaneousJobs = settings.maxSimultaneousJobs;

    // The chart covers the last hour from the start: what the store knows of it. Throttled
    // requests are not stored; Known limitation: that series starts empty after a restart.
    const qint64 since = ActivityLog::minuteOf(now()) - (ActivityLog::minutes - 1) * 60'000;
    if (const std::optional<ActivityCounts> counts = m_store->activityPerMinute(since)) {
        for (auto it = counts->created.cbegin(); it != counts->created.cend(); ++it)
            m_activity.add(ActivityLog::Series::Accepted, it.key(), int(it.value()));
        for (auto it = counts->delivered.cbegin(); it != counts->delivered.cend(); ++it)
            m_activity.add(ActivityLog::Series::Delivered, it.key(), int(it.value()));
        for (auto it = counts->failed.cbegin(); it != counts->failed.cend(); ++it)
            m_activity.add(ActivityLog::Series::Failed, it.key(), int(it.value()));
    }

    m_countersTimer.setSingleShot(true);
    m_countersTimer.setInterval(countersIntervalMs);
    connect(&m_countersTimer, &QTimer::timeout, this, &MonitorServer::sendCounters);
    connect(&m_server, &QLocalServer::newConnection, this, &MonitorServer::acceptConnections);
}

MonitorServer::~MonitorServer()
{
    // The sockets are children of the server; stop hearing from them before they go.
    for (const auto &client : m_clients)
        client->socket->disconnect(this);
}

bool MonitorServer::listen(const QString &name)
{
    // With UserAccessOption, QLocalServer binds a temporary name and renames it over `name`,
    // which would silently replace whatever is there: look first.
    const QByteArray path = QFile::encodeName(socketPath(name));
    struct stat status = {};
    if (::lstat(path.constData(), &status) == 0) {
        if (!S_ISSOCK(status.st_mode)) {
            m_errorString = u"%1 exists and is not a socket"_s.arg(socketPath(name));
            return false;
        }
        QLocalSocket probe;
        probe.connectToServer(name);
        // Start-up only, before the event loop runs: a short blocking probe is fine here.
        if (probe.waitForConnected(1'000)) {
            probe.abort();
            m_errorString = u"another process is listening on %1"_s.arg(socketPath(name));
            return false;
        }
        qCInfo(lcMonitor).noquote() << "replacing the stale socket" << socketPath(name);
    }

    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server.listen(name)) {
        m_errorString = m_server.errorString();
        return false;
    }
    return true;
}

void MonitorServer::acceptConnections()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        if (m_clients.size() >= size_t(maxClients)) {
            socket->write(encode(ProtocolError {
                    u"too_many_monitors"_s,
                    u"%1 monitors are connected already; try again later"_s.arg(maxClients) }));
            hangUp(socket);
            qCWarning(lcMonitor) << "refused a monitor: already" << maxClients << "connected";
            continue;
        }

        auto client = std::make_unique<Client>();
        client->socket = socket;
        m_clients.push_back(std::move(client));
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { readCommands(socket); });
        connect(socket, &QLocalSocket::disconnected, this, [this, socket] {
            forget(socket);
            socket->deleteLater();
            qCInfo(lcMonitor) << "a monitor disconnected;" << m_clients.size() << "connected";
        });

        const std::optional<Snapshot> current = snapshot();
        if (!current) {
            qCWarning(lcMonitor) << "cannot read a snapshot:" << m_store->lastError();
            send(socket, ProtocolError { u"store_unavailable"_s,
                                         u"the task store failed: %1"_s.arg(
                                                 m_store->lastError()) });
            hangUp(socket);
            continue;
        }
        qCInfo(lcMonitor) << "a monitor connected;" << m_clients.size() << "connected";
        send(socket, *current);
    }
}

void MonitorServer::readCommands(QLocalSocket *socket)
{
    Client *client = clientOf(socket);
    if (!client)
        return;
    client->framer.append(socket->readAll());

    QByteArray line;
    for (;;) {
        switch (client->framer.next(&line)) {
        case LineFramer::Status::Line:
            handleLine(socket, line);
            // Answering may have dropped the client, and its framer with it.
            client = clientOf(socket);
            if (!client)
                return;
            continue;
        case LineFramer::Status::Incomplete:
            return;
        case LineFramer::Status::TooLong:
            // The stream cannot be resynchronised: say why, then hang up.
            send(socket, ProtocolError { u"line_too_long"_s,
                                         u"a line is longer than %1 bytes"_s.arg(
                                                 maxCommandLineBytes) });
            qCWarning(lcMonitor) << "disconnecting a monitor that sent a line over"
                                 << maxCommandLineBytes << "bytes";
            hangUp(socket);
            return;
        }
    }
}

void MonitorServer::handleLine(QLocalSocket *socket, const QByteArray &line)
{
    const DecodeResult decoded = decode(line);
    if (!decoded.ok()) {
        const bool unknown = decoded.error.kind == DecodeError::Kind::UnknownType;
        send(socket, ProtocolError { unknown ? u"unknown_type"_s : u"invalid_message"_s,
                                     decoded.error.message });
        return;
    }
    const Command *command = std::get_if<Command>(&*decoded.message);
    if (!command) {
        send(socket, ProtocolError { u"unexpected_message"_s,
                                     u"a monitor sends only retry, cancel and get_task, not %1"_s
                                             .arg(typeName(*decoded.message)) });
        return;
    }
    send(socket, execute(*command));
}

CommandResult MonitorServer::execute(const Command &command)
{
    CommandResult result;
    result.requestId = command.requestId;
    result.command = typeName(command.kind);

    if (command.kind == CommandKind::GetTask) {
        const std::optional<Task> task = m_store->task(command.taskId);
        const std::optional<QList<Attempt>> attempts =
                task ? m_store->attempts(command.taskId) : std::nullopt;
        if (!task) {
            result.error = { 404, u"not_found"_s,
                             u"no task with id \"%1\""_s.arg(command.taskId) };
        } else if (!attempts) {
            result.error = { 503, u"store_unavailable"_s,
                             u"the task store failed: %1"_s.arg(m_store->lastError()) };
        } else {
            result.ok = true;
            result.task = taskInfo(*task);
            // Known limitation: the store does not keep an attempt's GitHub request count,
            // so stored attempts come without it.
            for (const Attempt &attempt : *attempts)
                result.attempts.append(attemptInfo(attempt));
        }
        return result;
    }

    const CommandOutcome outcome = command.kind == CommandKind::Retry
            ? m_commands->retry(command.taskId)
            : m_commands->cancel(command.taskId);
    result.ok = outcome.ok();
    if (outcome.task)
        result.task = taskInfo(*outcome.task);
    else
        result.error = { outcome.error.status, outcome.error.code, outcome.error.message };
    return result;
}

void MonitorServer::send(QLocalSocket *socket, const Message &message)
{
    sendLine(socket, encode(message));
}

void MonitorServer::sendLine(QLocalSocket *socket, const QByteArray &line)
{
    if (socket->bytesToWrite() + line.size() > m_maxBufferedBytes) {
        drop(socket, u"it reads too slowly: %1 bytes wait for it, %2 more would pass the"
                     " bound of %3"_s.arg(socket->bytesToWrite())
                             .arg(line.size())
                             .arg(m_maxBufferedBytes));
        return;
    }
    socket->write(line);
}

void MonitorServer::broadcast(const Message &message)
{
    if (m_clients.empty())
        return;
    const QByteArray line = encode(message);

    // sendLine() may drop clients: walk a copy.
    QList<QLocalSocket *> sockets;
    for (const auto &client : m_clients)
        sockets.append(client->socket);
    for (QLocalSocket *socket : sockets)
        sendLine(socket, line);
}

void MonitorServer::drop(QLocalSocket *socket, const QString &reason)
{
    qCWarning(lcMonitor).noquote() << u"dropped a monitor: %1"_s.arg(reason);
    forget(socket);
    socket->abort();  // discards what it did not read; never waits for it
    socket->deleteLater();
    emit clientDropped(reason);
}

void MonitorServer::hangUp(QLocalSocket *socket)
{
    // What was written goes out first; then the socket goes.
    forget(socket);
    connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromServer();
    if (socket->state() == QLocalSocket::UnconnectedState)
        socket->deleteLater();
}

void MonitorServer::forget(QLocalSocket *socket)
{
    const auto it = std::find_if(m_clients.begin(), m_clients.end(),
                                 [socket](const auto &client) { return client->socket == socket; });
    if (it == m_clients.end())
        return;
    socket->disconnect(this);
    m_clients.erase(it);
}

MonitorServer::Client *MonitorServer::clientOf(QLocalSocket *socket) const
{
    for (const auto &client : m_clients) {
        if (client->socket == socket)
            return client.get();
    }
    return nullptr;
}

std::optional<Counters> MonitorServer::counters()
{
    // Known limitation: this counts every task in the store (about 17 ms for 150,000 tasks),
    // at most every countersIntervalMs while monitors are connected and tasks change.
    const std::optional<QHash<TaskState, qint64>> byState = m_store->countByState();
    if (!byState)
        return std::nullopt;
    Counters counters;
    counters.active = byState->value(TaskState::Scheduled) + byState->value(TaskState::Running)
            + byState->value(TaskState::Retrying);
    counters.deduplicated = m_foldedCount;
    counters.throttled = m_throttledCount;
    counters.delivered = byState->value(TaskState::Delivered);
    counters.failed = byState->value(TaskState::Failed);
    counters.cancelled = byState->value(TaskState::Cancelled);
    return counters;
}

std::optional<Snapshot> MonitorServer::snapshot()
{
    // Known limitation: the two task queries sort in memory; with 150,000 tasks in the store
    // a snapshot holds up the service for about 0.15 s, once per connecting monitor.
    const std::optional<Counters> current = counters();
    const std::optional<QList<Task>> unfinished = m_store->unfinishedTasks(maxSnapshotUnfinished);
    const std::optional<QList<Task>> finished =
            m_store->recentlyFinishedTasks(maxSnapshotFinished);
    if (!current || !unfinished || !finished)
        return std::nullopt;

    Snapshot snapshot;
    snapshot.server = m_serverInfo;
    for (const Task &task : *unfinished)
        snapshot.tasks.append(taskInfo(task));
    for (const Task &task : *finished)
        snapshot.tasks.append(taskInfo(task));
    const qint64 total = current->active + current->delivered + current->failed
            + current->cancelled;
    snapshot.omittedTasks = total - snapshot.tasks.size();
    snapshot.deduplicated = m_folded;
    snapshot.throttled = m_throttled;
    snapshot.counters = *current;
    snapshot.rateLimit = m_rateLimit;
    snapshot.history = m_activity.history(now());
    return snapshot;
}

void MonitorServer::countersChanged()
{
    if (!m_clients.empty() && !m_countersTimer.isActive())
        m_countersTimer.start();
}

void MonitorServer::sendCounters()
{
    if (m_clients.empty())
        return;
    const std::optional<Counters> current = counters();
    if (!current || current == m_sentCounters)
        return;
    m_sentCounters = current;
    broadcast(CountersChanged { *current });
}

TaskInfo MonitorServer::taskInfo(const Task &task) const
{
    TaskInfo info;
    info.id = task.id;
    info.owner = task.owner;
    info.repository = task.repository;
    info.state = task.state;
    info.attemptsMade = task.attemptsMade;
    info.maxAttempts = m_settings.retryMaxAttempts + 1;
    info.createdAtMs = task.createdAtMs;
    info.updatedAtMs = task.updatedAtMs;
    // As the HTTP API shows it: a finished task is not due again.
    if (!isFinished(task.state))
        info.nextRunAtMs = task.nextRunAtMs;
    info.finishedAtMs = task.finishedAtMs;
    info.lastError = task.lastError;
    if (!isFinished(task.state))
        info.waitingUntilMs = task.rateLimitedUntilMs;
    info.githubRequests = task.githubRequests;
    info.githubQuotaRequests = task.githubQuotaRequests;
    return info;
}

void MonitorServer::publishTaskAccepted(const Task &task)
{
    m_activity.add(ActivityLog::Series::Accepted, task.createdAtMs);
    broadcast(TaskAccepted { taskInfo(task) });
    countersChanged();
}

void MonitorServer::publishRequestDeduplicated(const QString &owner, const QString &repository,
                                               const Task &existing)
{
    ++m_foldedCount;
    const FoldedRequest request { now(), owner, repository, taskInfo(existing) };
    keepRecent(&m_folded, request);
    broadcast(RequestDeduplicated { request });
    countersChanged();
}

void MonitorServer::publishRequestThrottled(const QString &owner, const QString &repository,
                                            int cap, qint64 retryAfterSeconds)
{
    ++m_throttledCount;
    const ThrottledRequest request { now(), owner, repository, cap, retryAfterSeconds };
    m_activity.add(ActivityLog::Series::Throttled, request.atMs);
    keepRecent(&m_throttled, request);
    broadcast(RequestThrottled { request });
    countersChanged();
}

void MonitorServer::publishTaskChanged(const Task &task)
{
    broadcast(TaskStateChanged { taskInfo(task) });
    countersChanged();
}

void MonitorServer::publishAttemptFinished(const Task &task, const Attempt &attempt)
{
    if (task.state == TaskState::Delivered)
        m_activity.add(ActivityLog::Series::Delivered, attempt.finishedAtMs);
    else if (task.state == TaskState::Failed)
        m_activity.add(ActivityLog::Series::Failed, attempt.finishedAtMs);
    broadcast(AttemptFinished { taskInfo(task), attemptInfo(attempt) });
    countersChanged();
}

void MonitorServer::publishRateLimit(qint64 remaining, qint64 limit, qint64 resetAtMs)
{
    const RateLimit rateLimit { remaining, limit, resetAtMs, now() };
    // Every GitHub answer carries these; tell the monitors only what changed.
    if (m_rateLimit && m_rateLimit->remaining == remaining && m_rateLimit->limit == limit
        && m_rateLimit->resetAtMs == resetAtMs)
        return;
    m_rateLimit = rateLimit;
    broadcast(RateLimitChanged { rateLimit });
}

void MonitorServer::publishTaskDeferred(const QString &taskId, qint64 waitingUntilMs)
{
    broadcast(RateLimitWait { taskId, waitingUntilMs });
    // Back to scheduled or retrying, due at the end of the wait.
    if (const std::optional<Task> task = m_store->task(taskId))
        publishTaskChanged(*task);
}

} // namespace hookme
