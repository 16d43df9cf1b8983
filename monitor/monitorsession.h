// Everything a monitor window shows, kept up to date from one MonitorConnection: the task
// table, the folded and throttled requests, the counters, GitHub's quota and the activity of
// the last hour. It holds no widgets, so tests drive it against a real service.
//
// Guarantees:
//   - after each snapshot the tasks are exactly the snapshot's (the store is the truth);
//   - folded and throttled requests, which the service keeps in memory only, survive a
//     restart of the service here: a snapshot from a new service instance adds its requests
//     to the ones already shown instead of replacing them;
//   - commands are answered through commandFinished(), matched by the id send*() returned;
//     while not connected, send*() returns an empty id and nothing is sent.
#pragma once

#include "activitylog.h"
#include "monitorconnection.h"
#include "monitorprotocol.h"

#include <QObject>

#include <functional>

namespace hookme::monitorapp {

class FoldedRequestModel;
class TaskTableModel;
class ThrottledRequestModel;

class MonitorSession : public QObject
{
    Q_OBJECT

public:
    explicit MonitorSession(const QString &socketName, QObject *parent = nullptr);

    void start() { m_connection->start(); }
    MonitorConnection *connection() const { return m_connection; }

    TaskTableModel *tasks() const { return m_tasks; }
    FoldedRequestModel *folded() const { return m_folded; }
    ThrottledRequestModel *throttled() const { return m_throttled; }

    bool hasSnapshot() const { return m_server.has_value(); }
    std::optional<hookme::monitor::ServerInfo> server() const { return m_server; }
    hookme::monitor::Counters counters() const { return m_counters; }
    std::optional<hookme::monitor::RateLimit> rateLimit() const { return m_rateLimit; }
    hookme::monitor::ActivityHistory history() const;
    qint64 omittedTasks() const { return m_omittedTasks; }

    // The commands; each returns the request id its result will carry, or "" when not sent.
    QString retryTask(const QString &taskId);
    QString cancelTask(const QString &taskId);
    QString requestDetail(const QString &taskId);

    // The clock for countdowns and the chart; tests set one.
    void setClock(std::function<qint64()> clock);
    qint64 now() const { return m_clock(); }

signals:
    void snapshotApplied();
    void countersChanged();
    void rateLimitChanged();
    void historyChanged();
    void attemptFinished(const hookme::monitor::TaskInfo &task,
                         const hookme::monitor::AttemptInfo &attempt);
    void commandFinished(const hookme::monitor::CommandResult &result);
    // The service could not use something this monitor sent.
    void protocolError(const QString &message);

private:
    void apply(const hookme::monitor::Message &message);
    void applySnapshot(const hookme::monitor::Snapshot &snapshot);
    QString send(hookme::monitor::CommandKind kind, const QString &taskId);

    MonitorConnection *m_connection;
    TaskTableModel *m_tasks;
    FoldedRequestModel *m_folded;
    ThrottledRequestModel *m_throttled;
    std::optional<hookme::monitor::ServerInfo> m_server;
    hookme::monitor::Counters m_counters;
    std::optional<hookme::monitor::RateLimit> m_rateLimit;
    hookme::monitor::ActivityLog m_activity;
    qint64 m_omittedTasks = 0;
    quint64 m_nextRequestId = 1;
    std::function<qint64()> m_clock;
};

} // namespace hookme::monitorapp
