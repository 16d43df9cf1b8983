// The durable state of the service: tasks, their attempts, collected reports and the cache of
// GitHub display names. SQLite through QtSql by default; every statement is plain SQL that
// PostgreSQL runs too.
//
// All calls come from the thread that opened the store (the main thread). Every query is
// finished before a call returns, so no statement holds back SQLite's WAL checkpoints.
#pragma once

#include "task.h"

#include <QHash>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <functional>
#include <map>
#include <optional>

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

// What hookme kept of a GitHub answer, to ask again with If-None-Match.
struct StoredResponse {
    QByteArray etag;
    QByteArray lastModified;
    QString nextLink;   // the Link rel="next" target, empty on the last page
    QByteArray content; // what hookme took from the answer, as JSON
};

// Per minute, keyed by the minute's start (ms since the epoch, a multiple of 60000).
struct ActivityCounts {
    QMap<qint64, qint64> created;
    QMap<qint64, qint64> delivered;
    QMap<qint64, qint64> failed;
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
    // ":memory:" opens a private database that lives as long as this store.
    bool open(const QString &databasePath);
    QString lastError() const { return m_lastError; }

    // Runs `work` in one transaction: committed when it returns true, rolled back otherwise.
    bool inTransaction(const std::function<bool()> &work);

    // Intake.
    std::optional<Task> findUnfinished(const QString &owner, const QString &repository);
    std::optional<qint64> countUnfinished();
    // False when the task was not stored; `duplicate` then tells whether an unfinished task
    // for the same repository was the reason (rather than an error).
    bool insertTask(const NewTask &task, bool *duplicate = nullptr);

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
    // cancelled it meanwhile), nothing is written, false is returned, `notRunning` is set (a
    // database failure leaves it false) and lastError() says so.
    // A delivered task's stored report is dropped: nothing will send it again.
    bool finishAttempt(const QString &taskId, const Attempt &attempt, TaskState newState,
                       std::optional<qint64> nextRunAtMs, bool *notRunning = nullptr);
    // Ends a running attempt that waits for GitHub's rate limit: the task is due again at
    // `untilMs`, and the attempt does not count against its retries.
    bool deferAttempt(const QString &taskId, qint64 untilMs, qint64 nowMs);
    bool addGitHubRequests(const QString &taskId, int made, int countedAgainstQuota);

    // GitHub answers kept for conditional requests, by a key naming URL and content kind.
    std::optional<StoredResponse> storedResponse(const QString &cacheKey);
    bool storeResponse(const QString &cacheKey, const StoredResponse &response, qint64 nowMs);


    // Display names of GitHub users, with the time they were fetched.
    std::optional<CachedName> cachedName(const QString &login, qint64 notBeforeMs);
    bool storeName(const QString &login, const std::optional<QString> &name, qint64 nowMs);

    // The monitor (MonitorServer) and the operator's commands (TaskCommands).
    // Tasks per state; a state without tasks is absent.
    std::optional<QHash<TaskState, qint64>> countByState();
    // Tasks created, delivered and failed per minute from `sinceMs` on.
    std::optional<ActivityCounts> activityPerMinute(qint64 sinceMs);
    // Unfinished tasks, running ones first, then the soonest due; at most `limit`.
    std::optional<QList<Task>> unfinishedTasks(int limit);
    // Finished tasks, the most recently finished first; at most `limit`.
    std::optional<QList<Task>> recentlyFinishedTasks(int limit);
    // A scheduled or retrying task -> cancelled. Returns the rows changed: 0 when the task
    // is not (or no longer) in one of those states.
    std::optional<int> cancelTask(const QString &id, qint64 nowMs);
    // A failed task -> retrying, due at `nowMs`, with a fresh retry budget (its per-stage
    // failure counts start again; its history and stored report stay). Returns the rows
    // changed: 0 when the task is not (or no longer) failed. Fails (nothing) when another
    // unfinished task exists for the repository: the unique index allows one.
    std::optional<int> retryFailedTask(const QString &id, qint64 nowMs);

private:
    // Reused statements are prepared once and kept; one-off ones (pragmas, schema changes)
    // are not. The returned query is valid until the next call of run().
    enum class Statement { Reused, OneOff };
    QSqlQuery *run(const QString &sql, const QVariantList &values = {},
                   Statement kind = Statement::Reused);
    void finishStatements();
    bool migrate();
    QList<Task> readTasks(QSqlQuery &query);

    QString m_connectionName;
    QString m_lastError;
    std::map<QString, QSqlQuery> m_statements;  // node-based: pointers to values stay valid
    std::optional<QSqlQuery> m_oneOffStatement;
};

} // namespace hookme
