// Accepts new task requests. Requests that arrive together are decided and stored in one
// transaction (a group commit), so that each 202 still means "on disk" while the disk syncs
// once per batch instead of once per request.
//
// For each request, in arrival order:
//   - an unfinished task for the same owner/repository (compared case-insensitively) exists,
//     in the store or earlier in the batch: Deduplicated, nothing is stored;
//   - else, RATE_LIMIT_MAX_SIMULTANEOUS_JOBS unfinished tasks exist: Throttled;
//   - else a task is stored, due SCHEDULE_INTERVAL from now: Created.
// If the transaction fails, every request of the batch gets Unavailable and nothing is stored.
#pragma once

#include "settings.h"
#include "task.h"

#include <QObject>

#include <functional>

namespace hookme {

class TaskStore;

struct IntakeDecision {
    enum class Kind { Created, Deduplicated, Throttled, Unavailable };
    Kind kind = Kind::Unavailable;
    Task task;                   // Created: the new task; Deduplicated: the existing one
    qint64 retryAfterSeconds = 0;  // Throttled: when a slot may be free
    QString error;               // Unavailable: why
};

class TaskIntake : public QObject
{
    Q_OBJECT

public:
    using Reply = std::function<void(const IntakeDecision &)>;

    TaskIntake(TaskStore *store, const Settings &settings, QObject *parent = nullptr);

    // `reply` is called exactly once, after the batch holding this request is committed.
    void submit(const QString &owner, const QString &repository, Reply reply);

    // The most requests stored in one transaction.
    static constexpr int maxBatchSize = 512;

signals:
    void tasksCreated();
    // One per committed request, in arrival order, after its reply (for the monitor).
    void taskAccepted(const hookme::Task &task);
    void requestDeduplicated(const QString &owner, const QString &repository,
                             const hookme::Task &existing);
    void requestThrottled(const QString &owner, const QString &repository, int cap,
                          qint64 retryAfterSeconds);

private:
    struct Pending {
        QString owner;
        QString repository;
        Reply reply;
    };

    void flush();
    void announce(const Pending &request, const IntakeDecision &decision);
    bool decide(const QList<Pending> &batch, QList<IntakeDecision> *decisions);
    qint64 throttleRetryAfterSeconds();

    TaskStore *m_store;
    Settings m_settings;
    QList<Pending> m_pending;
    bool m_flushScheduled = false;
};

} // namespace hookme
