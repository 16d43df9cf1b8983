// The service's side of the monitor protocol (docs/monitor-protocol.md): a QLocalServer on
// MONITOR_SOCKET for hookme-monitor and any other client. Each monitor gets a snapshot, then
// every event as it happens, and may send commands, which TaskCommands carries out.
//
// Guarantees:
//   - only the user the service runs as (and root) can connect: the socket file is created
//     with QLocalServer::UserAccessOption, mode 0700;
//   - listen() never takes over a socket that another process is listening on, nor replaces
//     a file that is not a socket; a socket left by a killed service is replaced;
//   - the service never waits for a monitor: writes are buffered by Qt, and a monitor whose
//     unsent data would pass maxBufferedBytes (it reads too slowly, or not at all) is
//     dropped at once. It may reconnect and starts again from a fresh snapshot;
//   - with no monitor connected, an event costs a few counter updates and no I/O;
//   - a snapshot holds at most maxSnapshotUnfinished unfinished and maxSnapshotFinished
//     finished tasks, so it stays well under monitor::maxServiceLineBytes.
#pragma once

#include "activitylog.h"
#include "monitorprotocol.h"
#include "settings.h"
#include "task.h"

#include <QLocalServer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

class QLocalSocket;

namespace hookme {

class TaskCommands;
class TaskStore;

class MonitorServer : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 defaultMaxBufferedBytes = 8 * 1024 * 1024;
    static constexpr int maxClients = 32;
    static constexpr int maxSnapshotUnfinished = 2000;
    static constexpr int maxSnapshotFinished = 500;
    static constexpr int recentRequestsKept = 200;
    // Counters go out at most this often, and only after something changed.
    static constexpr int countersIntervalMs = 500;

    MonitorServer(TaskStore *store, TaskCommands *commands, const Settings &settings,
                  QObject *parent = nullptr);
    ~MonitorServer() override;

    // Listens on `name` (see common/monitorsocketname.h). False, with errorString(), when
    // the name is taken by a live server or by a file that is not a socket, or listening fails.
    bool listen(const QString &name);
    QString errorString() const { return m_errorString; }
    QString fullServerName() const { return m_server.fullServerName(); }

    int clientCount() const { return int(m_clients.size()); }
    // Per monitor. A snapshot larger than this gets its monitor dropped at once.
    void setMaxBufferedBytes(qint64 bytes) { m_maxBufferedBytes = bytes; }

    // The events; main.cpp connects them to the components that know the facts.
    void publishTaskAccepted(const hookme::Task &task);
    void publishRequestDeduplicated(const QString &owner, const QString &repository,
                                    const hookme::Task &existing);
    void publishRequestThrottled(const QString &owner, const QString &repository, int cap,
                                 qint64 retryAfterSeconds);
    void publishTaskChanged(const hookme::Task &task);
    void publishAttemptFinished(const hookme::Task &task, const hookme::Attempt &attempt);
    void publishRateLimit(qint64 remaining, qint64 limit, qint64 resetAtMs);
    // GitHub's rate limit stopped an attempt of the task, which waits until then. Reads the
    // task as stored.
    void publishTaskDeferred(const QString &taskId, qint64 waitingUntilMs);

signals:
    void clientDropped(const QString &reason);

private:
    struct Client;

    void acceptConnections();
    void readCommands(QLocalSocket *socket);
    void handleLine(QLocalSocket *socket, const QByteArray &line);
    monitor::CommandResult execute(const monitor::Command &command);

    void send(QLocalSocket *socket, const monitor::Message &message);
    void sendLine(QLocalSocket *socket, const QByteArray &line);
    void broadcast(const monitor::Message &message);
    void drop(QLocalSocket *socket, const QString &reason);
    void hangUp(QLocalSocket *socket);
    void forget(QLocalSocket *socket);
    Client *clientOf(QLocalSocket *socket) const;

    std::optional<monitor::Snapshot> snapshot();
    std::optional<monitor::Counters> counters();
    void countersChanged();
    void sendCounters();
    monitor::TaskInfo taskInfo(const Task &task) const;

    TaskStore *m_store;
    TaskCommands *m_commands;
    Settings m_settings;
    QLocalServer m_server;
    QString m_errorString;
    std::vector<std::unique_ptr<Client>> m_clients;
    qint64 m_maxBufferedBytes = defaultMaxBufferedBytes;

    monitor::ServerInfo m_serverInfo;
    monitor::ActivityLog m_activity;
    QList<monitor::FoldedRequest> m_folded;        // the most recent, oldest first
    QList<monitor::ThrottledRequest> m_throttled;  // the most recent, oldest first
    qint64 m_foldedCount = 0;                      // since start-up
    qint64 m_throttledCount = 0;                   // since start-up
    std::optional<monitor::RateLimit> m_rateLimit;
    std::optional<monitor::Counters> m_sentCounters;
    QTimer m_countersTimer;
};

} // namespace hookme
