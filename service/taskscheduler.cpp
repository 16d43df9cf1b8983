#include "taskscheduler.h"

#include "repositorycollector.h"
#include "taskstore.h"
#include "webhooksender.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>

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
      m_settings(settings),
      m_retryPolicy(settings)
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
    qCInfo(lcScheduler).noquote() << u"task %1 (%2/%3): attempt %4 started"_s
                                             .arg(task.id, task.owner, task.repository)
                                             .arg(attempt.number);
    emit attemptStarted(task);

    // A report stored by an earlier attempt is delivered again as it is.
    std::optional<QByteArray> report;
    if (task.hasReport)
        report = m_store->report(task.id);

    if (!report) {
        attempt.stage = AttemptStage::Collect;
        CollectionOutcome collected = co_await m_collector->collect(task.owner, task.repository);
        m_store->addGitHubRequests(task.id, collected.requests, collected.quotaRequests);
        if (collected.rateLimitedUntilMs) {
            defer(task, *collected.rateLimitedUntilMs);
            co_return;
        }
        attempt.githubRequests = collected.requests;
        if (!collected.reportJson) {
            attempt.outcome = AttemptOutcome::Failed;
            attempt.error = collected.failure.message;
            attempt.httpStatus = collected.failure.httpStatus;
            finish(task, attempt, collected.failure.permanent);
            co_return;
        }
        report = std::move(collected.reportJson);
        if (!m_store->storeReport(task.id, *report)) {
            attempt.error = u"cannot store the report: %1"_s.arg(m_store->lastError());
            finish(task, attempt, false);
            co_return;
        }
    }

    // A task that is no longer running (TaskCommands refuses to cancel a running task, but
    // another process on the same store could) is not delivered.
    attempt.stage = AttemptStage::Deliver;
    const std::optional<Task> current = m_store->task(task.id);
    if (current && current->state != TaskState::Running) {
        qCInfo(lcScheduler).noquote() << u"task %1 is %2: attempt %3 stops before delivering"_s
                                                 .arg(task.id, toString(current->state))
                                                 .arg(attempt.number);
        --m_running;
        emit attemptFinished(task.id, current->state);
        armTimer();
        co_return;
    }

    // The task id names the report: the receiver sees the same webhook-id on every attempt.
    // (A named message: GCC 12 mishandles braced temporaries in co_await arguments.)
    WebhookMessage message { task.id.toLatin1(), WebhookSender::reportEvent, std::move(*report) };
    report.reset();
    const DeliveryResult delivery = co_await m_sender->deliver(std::move(message));
    if (delivery.response.status != 0)
        attempt.httpStatus = delivery.response.status;
    attempt.responseBody = QString::fromUtf8(delivery.response.body);
    attempt.error = delivery.error;
    finish(task, attempt, delivery.verdict == DeliveryResult::Verdict::Stop,
           delivery.retryAfterMs);
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

void TaskScheduler::finish(const Task &task, Attempt attempt, bool permanent,
                           std::optional<qint64> retryAfterMs)
{
    attempt.finishedAtMs = now();
    const bool succeeded = attempt.error.isEmpty();
    // RETRY_MAX_ATTEMPTS retries after the first try, whichever stage failed: this failure
    // included, how often has the task failed since it was (re)queued?
    const int failures = 1 + task.collectFailures + task.deliveryFailures;
    const bool retriesLeft = failures <= m_settings.retryMaxAttempts;

    TaskState newState = TaskState::Delivered;
    std::optional<qint64> nextRunAt;
    if (succeeded) {
        attempt.outcome = AttemptOutcome::Succeeded;
    } else if (!permanent && retriesLeft) {
        attempt.outcome = AttemptOutcome::Retry;
        newState = TaskState::Retrying;
        nextRunAt = attempt.finishedAtMs
                + m_retryPolicy.delayMs(failures, QRandomGenerator::global()->generateDouble(),
                                        retryAfterMs);
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
                           .arg(newState == TaskState::Retrying
                                        ? u", will retry in %1 ms"_s.arg(*nextRunAt
                                                                         - attempt.finishedAtMs)
                                        : u", giving up"_s,
                                attempt.error);
    }
    // A receiver that answered 410 asked for nothing more, not even a failure notification.
    const bool receiverGone = attempt.stage == AttemptStage::Deliver && permanent;
    const bool notify =
            newState == TaskState::Failed && m_settings.notifyFailures && !receiverGone;
    storeUntilItSucceeds(
            u"store attempt %1 of task %2"_s.arg(attempt.number).arg(task.id),
            [this, task, attempt, newState, nextRunAt, notify] {
                bool notRunning = false;
                if (m_store->finishAttempt(task.id, attempt, newState, nextRunAt, &notRunning)) {
                    // Only once the failure is on record; runs on by itself, one try.
                    if (notify)
                        notifyFailure(task, attempt);
                    return true;
                }
                if (notRunning) {
                    // Moved on meanwhile (not through TaskCommands, which leaves a running
                    // task alone): there is nothing to store.
                    qCInfo(lcScheduler).noquote()
                            << u"task %1 is no longer running after attempt %2; its outcome is"
                               " dropped"_s
                                       .arg(task.id)
                                       .arg(attempt.number);
                    return true;
                }
                return false;
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

// Known limitation: the notification is tried once and is not stored. If the receiver is
// down at that moment, or hookme stops right after the task failed, it is lost; the task's
// state and last_error still tell.
QCoro::Task<> TaskScheduler::notifyFailure(Task task, Attempt attempt)
{
    // Told apart from a report by its hookme-event header and by its "type" key (a report
    // has none).
    const QJsonObject message {
        { u"type"_s, QString::fromLatin1(WebhookSender::failureEvent) },
        { u"task_id"_s, task.id },
        { u"user"_s, task.owner },
        { u"repository"_s, task.repository },
        { u"error"_s, attempt.error },
        { u"stage"_s, toString(attempt.stage) },
        { u"attempts"_s, attempt.number },
        { u"failed_at"_s, QDateTime::fromMSecsSinceEpoch(attempt.finishedAtMs, Qt::UTC)
                                  .toString(Qt::ISODateWithMs) },
    };
    // One id per failure: a task retried by an operator that fails again is news again.
    const QByteArray id = task.id.toLatin1() + "-failed-" + QByteArray::number(attempt.number);

    WebhookMessage notification { id, WebhookSender::failureEvent,
                                  QJsonDocument(message).toJson(QJsonDocument::Compact) };
    const DeliveryResult sent = co_await m_sender->deliver(std::move(notification));
    if (sent.verdict == DeliveryResult::Verdict::Delivered) {
        qCInfo(lcScheduler).noquote() << u"task %1: failure notification delivered"_s.arg(task.id);
    } else {
        qCWarning(lcScheduler).noquote()
                << u"task %1: failure notification not delivered (not retried): %2"_s.arg(
                           task.id, sent.error);
    }
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
