#include "taskintake.h"

#include "taskstore.h"

#include <QDateTime>
#include <QHash>
#include <QLoggingCategory>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcIntake, "hookme.intake", QtInfoMsg)

namespace hookme {

namespace {

// A throttled client is told to come back no sooner than this, and no later than the cap.
constexpr qint64 minRetryAfterSeconds = 1;
constexpr qint64 maxRetryAfterSeconds = 3600;

QString repositoryKey(const QString &owner, const QString &repository)
{
    return owner.toLower() + u'/' + repository.toLower();
}

} // namespace

TaskIntake::TaskIntake(TaskStore *store, const Settings &settings, QObject *parent)
    : QObject(parent), m_store(store), m_settings(settings)
{
}

void TaskIntake::submit(const QString &owner, const QString &repository, Reply reply)
{
    m_pending.append({ owner, repository, std::move(reply) });

    // Requests that the event loop delivers in this round join the same batch.
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        QTimer::singleShot(0, this, &TaskIntake::flush);
    }
}

void TaskIntake::flush()
{
    m_flushScheduled = false;
    while (!m_pending.isEmpty()) {
        const qsizetype size = std::min<qsizetype>(m_pending.size(), maxBatchSize);
        const QList<Pending> batch = m_pending.first(size);
        m_pending.remove(0, size);

        QList<IntakeDecision> decisions;
        const bool committed = m_store->inTransaction([&] { return decide(batch, &decisions); });
        if (!committed) {
            IntakeDecision unavailable;
            unavailable.error = m_store->lastError();
            decisions = QList<IntakeDecision>(batch.size(), unavailable);
            qCWarning(lcIntake) << "could not store" << batch.size()
                                << "requests:" << unavailable.error;
        }

        int created = 0;
        for (qsizetype i = 0; i < batch.size(); ++i) {
            created += decisions.at(i).kind == IntakeDecision::Kind::Created ? 1 : 0;
            batch.at(i).reply(decisions.at(i));
            announce(batch.at(i), decisions.at(i));
        }
        if (created > 0) {
            qCInfo(lcIntake) << "accepted" << created << (created == 1 ? "task" : "tasks");
            emit tasksCreated();
        }
    }
}

void TaskIntake::announce(const Pending &request, const IntakeDecision &decision)
{
    switch (decision.kind) {
    case IntakeDecision::Kind::Created:
        emit taskAccepted(decision.task);
        break;
    case IntakeDecision::Kind::Deduplicated:
        emit requestDeduplicated(request.owner, request.repository, decision.task);
        break;
    case IntakeDecision::Kind::Throttled:
        emit requestThrottled(request.owner, request.repository, m_settings.maxSimultaneousJobs,
                              decision.retryAfterSeconds);
        break;
    case IntakeDecision::Kind::Unavailable:
        break;
    }
}

bool TaskIntake::decide(const QList<Pending> &batch, QList<IntakeDecision> *decisions)
{
    const bool capped = m_settings.maxSimultaneousJobs > 0;
    qint64 unfinished = 0;
    if (capped) {
        const std::optional<qint64> count = m_store->countUnfinished();
        if (!count)
            return false;
        unfinished = *count;
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QHash<QString, Task> createdInBatch;
    for (const Pending &request : batch) {
        IntakeDecision decision;
        const QString key = repositoryKey(request.owner, request.repository);

        // Without a cap, inserting first saves a look-up for every new repository; with one,
        // a duplicate must be found first so that it is answered even when the cap is reached.
        std::optional<Task> existing;
        if (const auto it = createdInBatch.constFind(key); it != createdInBatch.cend())
            existing = *it;
        else if (capped)
            existing = m_store->findUnfinished(request.owner, request.repository);

        NewTask task { QUuid::createUuid().toString(QUuid::WithoutBraces), request.owner,
                       request.repository, now, now + m_settings.scheduleIntervalMs };
        bool duplicate = false;
        if (existing) {
            decision.kind = IntakeDecision::Kind::Deduplicated;
            decision.task = *existing;
        } else if (capped && unfinished >= m_settings.maxSimultaneousJobs) {
            decision.kind = IntakeDecision::Kind::Throttled;
            decision.retryAfterSeconds = throttleRetryAfterSeconds();
        } else if (!m_store->insertTask(task, &duplicate)) {
            if (!duplicate)
                return false;
            existing = m_store->findUnfinished(request.owner, request.repository);
            if (!existing)
                return false;
            decision.kind = IntakeDecision::Kind::Deduplicated;
            decision.task = *existing;
        } else {
            decision.kind = IntakeDecision::Kind::Created;
            decision.task.id = task.id;
            decision.task.owner = task.owner;
            decision.task.repository = task.repository;
            decision.task.createdAtMs = now;
            decision.task.updatedAtMs = now;
            decision.task.nextRunAtMs = task.runAtMs;
            createdInBatch.insert(key, decision.task);
            ++unfinished;
        }
        decisions->append(decision);
    }
    return true;
}

qint64 TaskIntake::throttleRetryAfterSeconds()
{
    // The earliest moment a slot can free up is when the next due task runs.
    const std::optional<qint64> nextDue = m_store->nextDueAtMs();
    const qint64 waitMs = nextDue ? *nextDue - QDateTime::currentMSecsSinceEpoch()
                                  : m_settings.rescheduleIntervalMs;
    return std::clamp((waitMs + 999) / 1000, minRetryAfterSeconds, maxRetryAfterSeconds);
}

} // namespace hookme
