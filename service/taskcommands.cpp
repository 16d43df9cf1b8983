#include "taskcommands.h"

#include "taskstore.h"

#include <QDateTime>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCommands, "hookme.commands", QtInfoMsg)

namespace hookme {

namespace {

CommandOutcome refused(int status, const QString &code, const QString &message)
{
    CommandOutcome outcome;
    outcome.error = { status, code, message, {} };
    return outcome;
}

CommandOutcome notFound(const QString &taskId)
{
    return refused(404, u"not_found"_s, u"no task with id \"%1\""_s.arg(taskId));
}

CommandOutcome storeUnavailable(const QString &detail)
{
    return refused(503, u"store_unavailable"_s, u"the task store failed: %1"_s.arg(detail));
}

} // namespace

TaskCommands::TaskCommands(TaskStore *store, QObject *parent) : QObject(parent), m_store(store)
{
}

CommandOutcome TaskCommands::cancel(const QString &taskId)
{
    const std::optional<int> changedRows =
            m_store->cancelTask(taskId, QDateTime::currentMSecsSinceEpoch());
    if (!changedRows)
        return storeUnavailable(m_store->lastError());
    if (*changedRows == 1) {
        qCInfo(lcCommands).noquote() << u"task %1: cancelled by an operator"_s.arg(taskId);
        return changed(taskId);
    }

    // Nothing changed: say why. Known limitation: TaskStore::task() answers a failed read
    // like a missing task, so a store failure at this point reads as 404 (as GET /tasks/<id>).
    const std::optional<Task> task = m_store->task(taskId);
    if (!task)
        return notFound(taskId);
    if (task->state == TaskState::Running) {
        return refused(409, u"task_running"_s,
                       u"task %1 is running an attempt; cancel it once the attempt has ended"_s
                               .arg(taskId));
    }
    return refused(409, u"task_finished"_s,
                   u"task %1 is %2 already"_s.arg(taskId, toString(task->state)));
}

CommandOutcome TaskCommands::retry(const QString &taskId)
{
    const std::optional<Task> task = m_store->task(taskId);
    if (!task)
        return notFound(taskId);  // the same known limitation as in cancel()
    if (task->state != TaskState::Failed) {
        return refused(409, u"task_not_failed"_s,
                       u"task %1 is %2; only a failed task can be retried"_s.arg(
                               taskId, toString(task->state)));
    }
    if (const std::optional<Task> busy = m_store->findUnfinished(task->owner, task->repository)) {
        return refused(409, u"repository_busy"_s,
                       u"task %1 is %2 for %3/%4; a repository has one unfinished task at a"
                       " time"_s.arg(busy->id, toString(busy->state), busy->owner,
                                     busy->repository));
    }

    const std::optional<int> changedRows =
            m_store->retryFailedTask(taskId, QDateTime::currentMSecsSinceEpoch());
    if (!changedRows)
        return storeUnavailable(m_store->lastError());
    if (*changedRows == 0) {
        return refused(409, u"task_not_failed"_s,
                       u"task %1 is no longer failed; only a failed task can be retried"_s.arg(
                               taskId));
    }
    qCInfo(lcCommands).noquote() << u"task %1 (%2/%3): retried by an operator"_s.arg(
            taskId, task->owner, task->repository);
    return changed(taskId);
}

CommandOutcome TaskCommands::changed(const QString &taskId)
{
    const std::optional<Task> task = m_store->task(taskId);
    if (!task)
        return storeUnavailable(u"the task changed but cannot be read back: %1"_s.arg(
                m_store->lastError()));
    CommandOutcome outcome;
    outcome.task = task;
    emit taskChanged(*task);
    return outcome;
}

} // namespace hookme
