#include "monitorsession.h"

#include "foldedrequestmodel.h"
#include "monitorlogging.h"
#include "tasktablemodel.h"
#include "throttledrequestmodel.h"

#include <QDateTime>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

namespace {

// Overloads for std::visit.
template<typename... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template<typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

MonitorSession::MonitorSession(const QString &socketName, QObject *parent)
    : QObject(parent),
      m_connection(new MonitorConnection(socketName, this)),
      m_tasks(new TaskTableModel(this)),
      m_folded(new FoldedRequestModel(this)),
      m_throttled(new ThrottledRequestModel(this)),
      m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    connect(m_connection, &MonitorConnection::messageReceived, this, &MonitorSession::apply);
}

void MonitorSession::setClock(std::function<qint64()> clock)
{
    m_clock = clock;
    m_tasks->setClock(clock);
    m_folded->setClock(clock);
    m_throttled->setClock(clock);
}

ActivityHistory MonitorSession::history() const
{
    return m_activity.history(now());
}

QString MonitorSession::retryTask(const QString &taskId)
{
    return send(CommandKind::Retry, taskId);
}

QString MonitorSession::cancelTask(const QString &taskId)
{
    return send(CommandKind::Cancel, taskId);
}

QString MonitorSession::requestDetail(const QString &taskId)
{
    return send(CommandKind::GetTask, taskId);
}

QString MonitorSession::send(CommandKind kind, const QString &taskId)
{
    const QString requestId = QString::number(m_nextRequestId++);
    if (!m_connection->send(Command { kind, requestId, taskId }))
        return {};
    return requestId;
}

void MonitorSession::apply(const Message &message)
{
    std::visit(Overloaded {
                       [this](const Snapshot &m) { applySnapshot(m); },
                       [this](const TaskAccepted &m) {
                           m_tasks->upsert(m.task);
                           m_activity.add(ActivityLog::Series::Accepted, m.task.createdAtMs);
                           emit historyChanged();
                       },
                       [this](const RequestDeduplicated &m) {
                           m_tasks->upsert(m.request.task);
                           m_folded->append(m.request);
                       },
                       [this](const RequestThrottled &m) {
                           m_throttled->append(m.request);
                           m_activity.add(ActivityLog::Series::Throttled, m.request.atMs);
                           emit historyChanged();
                       },
                       [this](const TaskStateChanged &m) { m_tasks->upsert(m.task); },
                       [this](const AttemptFinished &m) {
                           m_tasks->upsert(m.task);
                           if (m.task.state == TaskState::Delivered) {
                               m_activity.add(ActivityLog::Series::Delivered,
                                              m.attempt.finishedAtMs);
                               emit historyChanged();
                           } else if (m.task.state == TaskState::Failed) {
                               m_activity.add(ActivityLog::Series::Failed, m.attempt.finishedAtMs);
                               emit historyChanged();
                           }
                           emit attemptFinished(m.task, m.attempt);
                       },
                       [this](const RateLimitChanged &m) {
                           m_rateLimit = m.rateLimit;
                           emit rateLimitChanged();
                       },
                       [this](const RateLimitWait &m) {
                           m_tasks->setWaitingUntil(m.taskId, m.waitingUntilMs);
                       },
                       [this](const CountersChanged &m) {
                           m_counters = m.counters;
                           emit countersChanged();
                       },
                       [this](const CommandResult &m) {
                           if (m.ok && m.task)
                               m_tasks->upsert(*m.task);
                           emit commandFinished(m);
                       },
                       [this](const ProtocolError &m) {
                           qCWarning(lcMonitorApp).noquote()
                                   << u"the service refused a message: %1 (%2)"_s.arg(m.message,
                                                                                     m.code);
                           emit protocolError(m.message);
                       },
                       [](const Command &) {
                           // Commands go the other way; a service never sends one.
                       },
               },
               message);
}

void MonitorSession::applySnapshot(const Snapshot &snapshot)
{
    // A service that restarted forgot its folded and throttled requests; this monitor did not.
    const bool sameService = m_server && m_server->pid == snapshot.server.pid
            && m_server->startedAtMs == snapshot.server.startedAtMs;
    const bool restarted = m_server && !sameService;

    m_tasks->reset(snapshot.tasks);
    m_omittedTasks = snapshot.omittedTasks;
    if (restarted) {
        for (const FoldedRequest &request : snapshot.deduplicated)
            m_folded->append(request);
        for (const ThrottledRequest &request : snapshot.throttled)
            m_throttled->append(request);
    } else {
        m_folded->reset(snapshot.deduplicated);
        m_throttled->reset(snapshot.throttled);
    }

    // The same for the throttled series of the chart: keep what this monitor counted.
    const ActivityHistory before = m_activity.history(now());
    m_activity.reset(snapshot.history);
    if (restarted) {
        const ActivityHistory after = m_activity.history(now());
        for (qsizetype i = 0; i < after.throttled.size(); ++i) {
            const int missing = before.throttled.at(i) - after.throttled.at(i);
            if (missing > 0) {
                m_activity.add(ActivityLog::Series::Throttled,
                               after.firstMinuteMs + i * ActivityLog::minuteMs, missing);
            }
        }
    }

    m_server = snapshot.server;
    m_counters = snapshot.counters;
    m_rateLimit = snapshot.rateLimit;
    emit snapshotApplied();
    emit countersChanged();
    emit rateLimitChanged();
    emit historyChanged();
}

} // namespace hookme::monitorapp
