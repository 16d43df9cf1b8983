// The durable state of the service: tasks, their attempts, collected reports and the cache of
// GitHub display names. SQLite through QtSql by default; every statement is plain SQL that
// PostgreSQL runs too.
//
// All calls come from the thread that opened the store (the main thread). Every query is
// finished before a call returns, so no statement holds back SQLite's WAL checkpoints.
#pragma once

#include "task.h"

#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

#include <functional>
#include <optional>

class QSqlQuery;

namespace hookme {

struct NewTask {
    QString id;
    QString owner;
    QString repository;
    qint64 createdAtMs = 0;
    qint64 runAtMs = 0;
};

struct TaskPage {
    QList<Task> tasks;
    qint64 total = 0;  // matching tasks on every page
};

// What an operator's retry or cancel did.
enum class TaskChange {
    Done,        // the task was requeued (retry) or cancelled (cancel)
    NotFound,    // no task with that id
    WrongState,  // retry: the task is not failed; cancel: the task is finished already
    Duplicate,   // retry: another unfinished task exists for the same repository
    StoreError,  // the database failed; lastError() says how. Nothing changed
};

struct CachedName {
    QString login;
    std::optional<QString> name;  // a user without a display name has none
};

class TaskStore
{
public:
    TaskStore();
    ~TaskStore();
    TaskStore(const TaskStore &) = delete;
    TaskStore &operator=(const TaskStore &) = delete;

    // Opens (creating if needed) the SQLite file and brings its schema up to date.
    bool open(const QString &databasePath);
    QString lastError() const { return m_lastError; }

    // Runs `work` in one transaction: committed when it returns true, rolled back otherwise.
    bool inTransaction(const std::function<bool()> &work);

    // Intake.
    std::optional<Task> findUnfinished(const QString &owner, const QString &repository);
    std::optional<qint64> countUnfinished();
    bool insertTask(const NewTask &task);

    // Reading.
    std::optional<Task> task(const QString &id);
    std::optional<QList<Attempt>> attempts(const QString &taskId);
    std::optional<TaskPage> listTasks(std::optional<TaskState> state, int limit, int offset);

    // Scheduling.
    std::optional<qint64> nextDueAtMs();
    // Moves up to `limit` due tasks to Running and returns them. A task another caller
    // claimed first is skipped, so no task is ever claimed twice.
    QList<Task> claimDue(qint64 nowMs, int limit);
    // At start-up: attempts cut off by a crash run again, due now, without counting.
    int requeueInterrupted(qint64 nowMs);

    // Attempts. Each records the attempt and moves the task on, in one transaction.
    bool storeReport(const QString &taskId, const QByteArray &reportJson);
    std::optional<QByteArray> report(const QString &taskId);
    // Records a finished attempt and moves the task to `newState`, counting a failed attempt
    // against its stage. Applies only while the task is Running: when it is not (an operator
    // cancelled it meanwhile), nothing is written, false is returned and lastError() says so.
    // A delivered task's stored report is dropped: nothing will send it again.
    bool finishAttempt(const QString &taskId, const Attempt &attempt, TaskState newState,
                       std::optional<qint64> nextRunAtMs);

    // Operators. Retry: a Failed task becomes Retrying (Scheduled if it never ran), due at
    // `nowMs`, with fresh retry budgets; a stored report is kept, so only the delivery is
    // redone. `otherTaskId` names the unfinished task that blocks a Duplicate.
    TaskChange requeueFailed(const QString &taskId, qint64 nowMs, QString *otherTaskId = nullptr);
    // Cancel: a Scheduled, Retrying or Running task becomes Cancelled at once. An attempt that
    // is running then cannot record its outcome (see finishAttempt).
    TaskChange cancel(const QString &taskId, qint64 nowMs);

    // Display names of GitHub users, with the time they were fetched.
    std::optional<CachedName> cachedName(const QString &login, qint64 notBeforeMs);
    bool storeName(const QString &login, const std::optional<QString> &name, qint64 nowMs);

private:
    std::optional<QSqlQuery> run(const QString &sql, const QVariantList &values = {});
    bool migrate();
    QList<Task> readTasks(QSqlQuery &query);

    QString m_connectionName;
    QString m_lastError;
};

} // namespace hookme
