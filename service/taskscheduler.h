// Runs due tasks. One timer is armed for the earliest due task in the store; pending tasks
// are not held in memory, so memory stays flat however many are scheduled.
//
// An attempt collects the report (unless an earlier attempt stored it) and delivers it. When
// it fails, the task is retried after the wait RetryPolicy gives (RESCHEDULE_INTERVAL by
// default), up to RETRY_MAX_ATTEMPTS retries after the first try. Collection and delivery
// failures are counted apart, so that an operator can tell them apart, and add up to one
// budget. A permanent failure (GitHub's 404, the webhook's 410)
// ends the task at once. With WEBHOOK_NOTIFY_FAILURES, a task that ends failed sends one
// "task.failed" message to the webhook (not when the webhook itself answered 410).
//
// An attempt stopped by GitHub's rate limit is not a failure: the task waits for the limit's
// end and the attempt does not count.
//
// An attempt records its outcome only while its task is still running in the store; one that
// was moved on meanwhile is not delivered, and its outcome is dropped.
#pragma once

#include "retrypolicy.h"
#include "settings.h"
#include "task.h"

#include <QObject>
#include <QTimer>

#include <functional>

#include <qcorotask.h>

namespace hookme {

class RepositoryCollector;
class TaskStore;
class WebhookSender;

class TaskScheduler : public QObject
{
    Q_OBJECT

public:
    TaskScheduler(TaskStore *store, RepositoryCollector *collector, WebhookSender *sender,
                  const Settings &settings, QObject *parent = nullptr);

    // Requeues attempts a crash cut off, then starts running due tasks.
    void start();

    // Called when tasks were added: re-reads the earliest due time.
    void wake();

    int runningCount() const { return m_running; }

signals:
    // Emitted once per attempt, after its outcome is stored.
    void attemptFinished(const QString &taskId, hookme::TaskState newState);
    // For the monitor: a claimed task (now Running) starts an attempt; an attempt's outcome
    // is stored, with the task as stored after it.
    void attemptStarted(const hookme::Task &task);
    void attemptRecorded(const hookme::Task &task, const hookme::Attempt &attempt);
    // GitHub's rate limit stopped an attempt; the task waits until `untilMs` (for the monitor).
    void attemptDeferred(const QString &taskId, qint64 untilMs);

private:
    void armTimer(qint64 minimumDelayMs = 0);
    void runDueTasks();
    QCoro::Task<> runAttempt(Task task);
    // GitHub's rate limit stops the attempt: the task waits, and no retry is used up.
    void defer(const Task &task, qint64 untilMs);
    // Runs `write` until it returns true, waiting longer after each failure.
    void storeUntilItSucceeds(const QString &what, std::function<bool()> write,
                              int failures = 0);
    void finish(const Task &task, Attempt attempt, bool permanent,
                std::optional<qint64> retryAfterMs = {});
    QCoro::Task<> notifyFailure(Task task, Attempt attempt);

    TaskStore *m_store;
    RepositoryCollector *m_collector;
    WebhookSender *m_sender;
    Settings m_settings;
    RetryPolicy m_retryPolicy;
    QTimer m_timer;
    int m_running = 0;
};

} // namespace hookme
