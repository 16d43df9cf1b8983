#include "taskscheduler.h"

#include "repositorycollector.h"
#include "taskstore.h"
#include "webhooksender.h"

#include <QDateTime>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcScheduler, "hookme.scheduler", QtInfoMsg)

namespace hookme {

namespace {

// The timer never sleeps longer than this, so a task another process added, or a clock
// change, is noticed within a minute.
constexpr qint64 maxSleepMs = 60'000;

// A store write that failed (a full disk, say) is tried again after this long, doubling up to
// the maximum.
constexpr qint64 storeRetryFirstDelayMs = 500;
constexpr qint64 storeRetryMaxDelayMs = 60'000;

// When a due task could not be claimed, look again after this long.
constexpr qint64 retryAfterEmptyClaimMs = 1'000;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

TaskScheduler::TaskScheduler(TaskStore *store, RepositoryCollector *collector,
                             WebhookSender *sender, const Settings &settings, QObject *parent)
    : QObject(parent),
      m_store(store),
      m_collector(collector),
      m_sender(sender),
      m_settings(settings)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &TaskScheduler::runDueTasks);
}

void TaskScheduler::start()
{
    const int requeued = m_store->requeueInterrupted(now());
    if (requeued > 0)
        qCInfo(lcScheduler) << "requeued" << requeued << "attempts cut off by a restart";
    armTimer();
}

void TaskScheduler::wake()
{
    armTimer();
}

void TaskScheduler::armTimer(qint64 minimumDelayMs)
{
    if (m_running >= m_settings.workerConcurrency) {
        m_timer.stop();  // a finishing attempt re-arms
        return;
    }

    const std::optional<qint64> dueAt = m_store->nextDueAtMs();
    qint64 delay = dueAt ? std::clamp(*dueAt - now(), qint64(0), maxSleepMs) : maxSleepMs;
    delay = std::max(delay, minimumDelayMs);
    if (m_timer.isActive() && m_timer.remainingTime() <= delay)
        return;
    m_timer.start(int(delay));
}

void TaskScheduler::runDueTasks()
{
    const int freeWorkers = m_settings.workerConcurrency - m_running;
    if (freeWorkers <= 0)
        return;

    const QList<Task> claimed = m_store->claimDue(now(), freeWorkers);
    for (const Task &task : claimed) {
        ++m_running;
        runAttempt(task);  // runs on; it reports through finish()
    }

    // Nothing claimed although the timer said a task was due: the store failed, or another
    // instance took the task. Either way, do not spin.
    armTimer(claimed.isEmpty() ? retryAfterEmptyClaimMs : 0);
}

QCoro::Task<> TaskScheduler::runAttempt(Task task)
{
    Attempt attempt;
    attempt.number = task.attemptsMade + 1;
    attempt.startedAtMs = now();
    qCInfo(lcScheduler).noquote() << u"task %1 (%2/%3): attempt %4 of %5 started"_s
                                             .arg(task.id, task.owner, task.repository)
                                             .arg(attempt.number)
                                             .arg(m_settings.retryMaxAttempts + 1);
    emit attemptStarted(task);

    // A report stored by an earlier attempt is delivered again as it is.
    std::optional<QByteArray> report;
    if (task.hasReport)
        report = m_store->report(task.id);

    if (!report) {
        attempt.stage = AttemptStage::Collect;
        const CollectionOutcome collected = co_await m_collector->collect(task.owner,
                                                                          task.repository);
        m_store->addGitHubRequests(task.id, collected.requests, collected.quotaRequests);
        if (collected.rateLimitedUntilMs) {
            defer(task, *collected.rateLimitedUntilMs);
            co_return;
        }
        attempt.githubRequests = collected.requests;
        if (!collected.report) {
            attempt.outcome = AttemptOutcome::Failed;
            attempt.error = collected.failure.message;
            attempt.httpStatus = collected.failure.httpStatus;
            finish(task, attempt, collected.failure.permanent);
            co_return;
        }
        report = collected.report->toJson();
        if (!m_store->storeReport(task.id, *report)) {
            attempt.error = u"cannot store the report: %1"_s.arg(m_store->lastError());
            finish(task, attempt, false);
            co_return;
        }
    }

    attempt.stage = AttemptStage::Deliver;
    const HttpResult delivery = co_await m_sender->deliver(*report);
    if (delivery.status != 0)
        attempt.httpStatus = delivery.status;
    if (!delivery.isSuccess())
        attempt.error = u"webhook: %1"_s.arg(delivery.describe());
    finish(task, attempt, false);
}

void TaskScheduler::defer(const Task &task, qint64 untilMs)
{
    qCInfo(lcScheduler).noquote() << u"task %1 (%2/%3): waits for GitHub's rate limit until %4"_s
                                             .arg(task.id, task.owner, task.repository,
                                                  QDateTime::fromMSecsSinceEpoch(untilMs, Qt::UTC)
                                                          .toString(Qt::ISODate));
    const QString id = task.id;
    storeUntilItSucceeds(u"defer task %1"_s.arg(id),
                         [this, id, untilMs] { return m_store->deferAttempt(id, untilMs, now()); });

    --m_running;
    emit attemptFinished(task.id, task.attemptsMade == 0 ? TaskState::Scheduled
                                                         : TaskState::Retrying);
    emit attemptDeferred(task.id, untilMs);
    armTimer();
}

void TaskScheduler::finish(const Task &task, Attempt attempt, bool permanent)
{
    attempt.finishedAtMs = now();
    const bool succeeded = attempt.error.isEmpty();
    const bool retriesLeft = attempt.number <= m_settings.retryMaxAttempts;

    TaskState newState = TaskState::Delivered;
    std::optional<qint64> nextRunAt;
    if (succeeded) {
        attempt.outcome = AttemptOutcome::Succeeded;
    } else if (!permanent && retriesLeft) {
        attempt.outcome = AttemptOutcome::Retry;
        newState = TaskState::Retrying;
        nextRunAt = attempt.finishedAtMs + m_settings.rescheduleIntervalMs;
    } else {
        attempt.outcome = AttemptOutcome::Failed;
        newState = TaskState::Failed;
    }

    if (succeeded) {
        qCInfo(lcScheduler).noquote() << u"task %1 (%2/%3): delivered on attempt %4"_s
                                                 .arg(task.id, task.owner, task.repository)
                                                 .arg(attempt.number);
    } else {
        qCWarning(lcScheduler).noquote()
                << u"task %1 (%2/%3): attempt %4 failed%5: %6"_s
                           .arg(task.id, task.owner, task.repository)
                           .arg(attempt.number)
                           .arg(newState == TaskState::Retrying ? u", will retry"_s
                                                                : u", giving up"_s,
                                attempt.error);
    }
    const QString id = task.id;
    storeUntilItSucceeds(u"store attempt %1 of task %2"_s.arg(attempt.number).arg(id),
                         [this, id, attempt, newState, nextRunAt] {
                             return m_store->finishAttempt(id, attempt, newState, nextRunAt);
                         });

    --m_running;
    emit attemptFinished(task.id, newState);
    // Read back rather than rebuilt, so the monitor sees every column as stored. A task still
    // Running in the store is one whose outcome could not be stored: nothing to announce.
    const std::optional<Task> stored = m_store->task(task.id);
    if (stored && stored->state == newState)
        emit attemptRecorded(*stored, attempt);
    armTimer();
}

void TaskScheduler::storeUntilItSucceeds(const QString &what, std::function<bool()> write,
                                         int failures)
{
    if (write())
        return;

    // The task stays Running in the store meanwhile: nobody else picks it up, and a restart
    // runs the attempt again, which loses nothing.
    const qint64 delay = std::min(storeRetryFirstDelayMs << std::min(failures, 10),
                                  storeRetryMaxDelayMs);
    qCWarning(lcScheduler).noquote() << u"cannot %1 (%2); trying again in %3 ms"_s.arg(
            what, m_store->lastError()).arg(delay);
    QTimer::singleShot(delay, this, [this, what, write, failures] {
        storeUntilItSucceeds(what, write, failures + 1);
    });
}

} // namespace hookme
