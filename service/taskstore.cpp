#include "taskstore.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcStore, "hookme.store", QtInfoMsg)

namespace hookme {

namespace {

// Each migration moves the schema one version up. Append, never edit: a database that ran a
// migration never runs it again.
struct Migration {
    int version;
    QList<QString> statements;
};

const QList<Migration> &migrations()
{
    static const QList<Migration> all {
        { 1,
          {
                  u"CREATE TABLE tasks ("
                  " id VARCHAR(36) PRIMARY KEY,"
                  " owner TEXT NOT NULL,"
                  " repository TEXT NOT NULL,"
                  " owner_key TEXT NOT NULL,"       // lower-cased: GitHub compares
                  " repository_key TEXT NOT NULL,"  // names case-insensitively
                  " state VARCHAR(16) NOT NULL,"
                  " attempts_made INTEGER NOT NULL DEFAULT 0,"
                  " created_at BIGINT NOT NULL,"
                  " updated_at BIGINT NOT NULL,"
                  " next_run_at BIGINT,"
                  " finished_at BIGINT,"
                  " last_error TEXT,"
                  " report TEXT)"_s,
                  // At most one unfinished task per repository, whoever inserts it.
                  u"CREATE UNIQUE INDEX tasks_one_unfinished ON tasks (owner_key, repository_key)"
                  " WHERE state IN ('scheduled', 'running', 'retrying')"_s,
                  u"CREATE INDEX tasks_due ON tasks (state, next_run_at)"_s,
                  u"CREATE INDEX tasks_newest ON tasks (created_at, id)"_s,
                  u"CREATE TABLE task_attempts ("
                  " task_id VARCHAR(36) NOT NULL REFERENCES tasks (id),"
                  " number INTEGER NOT NULL,"
                  " started_at BIGINT NOT NULL,"
                  " finished_at BIGINT NOT NULL,"
                  " stage VARCHAR(16) NOT NULL,"
                  " outcome VARCHAR(16) NOT NULL,"
                  " http_status INTEGER,"
                  " error TEXT,"
                  " PRIMARY KEY (task_id, number))"_s,
                  u"CREATE TABLE user_names ("
                  " login_key VARCHAR(64) PRIMARY KEY,"
                  " login TEXT NOT NULL,"
                  " name TEXT,"
                  " fetched_at BIGINT NOT NULL)"_s,
          } },
    };
    return all;
}

const QString taskColumns = u"id, owner, repository, state, attempts_made, created_at,"
                            " updated_at, next_run_at, finished_at, last_error,"
                            " CASE WHEN report IS NULL THEN 0 ELSE 1 END"_s;

const QString unfinishedStates = u"('scheduled', 'running', 'retrying')"_s;

QVariant nullableInteger(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<qint64>());
}

QVariant nullableText(const QString &value)
{
    return value.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

std::optional<qint64> optionalInteger(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<qint64>(value.toLongLong());
}

} // namespace

TaskStore::TaskStore()
    : m_connectionName(u"hookme-store-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

TaskStore::~TaskStore()
{
    {
        QSqlDatabase database = QSqlDatabase::database(m_connectionName, false);
        if (database.isOpen())
            database.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool TaskStore::open(const QString &databasePath)
{
    const QFileInfo file(databasePath);
    if (!QDir().mkpath(file.absolutePath())) {
        m_lastError = u"cannot create the data directory %1"_s.arg(file.absolutePath());
        return false;
    }

    QSqlDatabase database = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    database.setDatabaseName(file.absoluteFilePath());
    // Wait for a lock rather than fail at once when another connection writes.
    database.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!database.open()) {
        m_lastError = u"cannot open %1: %2"_s.arg(file.absoluteFilePath(),
                                                  database.lastError().text());
        return false;
    }

    // WAL lets readers work while a write commits. synchronous=FULL makes a commit durable
    // across a power loss, which a 202 Accepted promises.
    const QStringList pragmas { u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                                u"PRAGMA foreign_keys=ON"_s };
    for (const QString &pragma : pragmas) {
        if (!run(pragma))
            return false;
    }

    if (!migrate())
        return false;
    qCInfo(lcStore) << "database ready at" << file.absoluteFilePath();
    return true;
}

bool TaskStore::migrate()
{
    if (!run(u"CREATE TABLE IF NOT EXISTS schema_migrations ("
             " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"_s))
        return false;

    auto current = run(u"SELECT COALESCE(MAX(version), 0) FROM schema_migrations"_s);
    if (!current || !current->next())
        return false;
    const int version = current->value(0).toInt();
    current->finish();

    for (const Migration &migration : migrations()) {
        if (migration.version <= version)
            continue;
        const bool applied = inTransaction([&] {
            for (const QString &statement : migration.statements) {
                if (!run(statement))
                    return false;
            }
            return run(u"INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"_s,
                       { migration.version, QDateTime::currentMSecsSinceEpoch() })
                    .has_value();
        });
        if (!applied) {
            m_lastError = u"schema migration %1 failed: %2"_s.arg(migration.version)
                                  .arg(m_lastError);
            return false;
        }
        qCInfo(lcStore) << "applied schema migration" << migration.version;
    }
    return true;
}

std::optional<QSqlQuery> TaskStore::run(const QString &sql, const QVariantList &values)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (!query.prepare(sql)) {
        m_lastError = query.lastError().text();
        qCWarning(lcStore).noquote() << "cannot prepare" << sql << ":" << m_lastError;
        return std::nullopt;
    }
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        qCWarning(lcStore).noquote() << "statement failed:" << sql << ":" << m_lastError;
        return std::nullopt;
    }
    return query;
}

bool TaskStore::inTransaction(const std::function<bool()> &work)
{
    QSqlDatabase database = QSqlDatabase::database(m_connectionName, false);
    if (!database.transaction()) {
        m_lastError = database.lastError().text();
        qCWarning(lcStore) << "cannot begin a transaction:" << m_lastError;
        return false;
    }
    if (!work()) {
        database.rollback();
        return false;
    }
    if (!database.commit()) {
        m_lastError = database.lastError().text();
        qCWarning(lcStore) << "commit failed:" << m_lastError;
        database.rollback();
        return false;
    }
    return true;
}

QList<Task> TaskStore::readTasks(QSqlQuery &query)
{
    QList<Task> tasks;
    while (query.next()) {
        Task task;
        task.id = query.value(0).toString();
        task.owner = query.value(1).toString();
        task.repository = query.value(2).toString();
        task.state = taskStateFromString(query.value(3).toString()).value_or(TaskState::Failed);
        task.attemptsMade = query.value(4).toInt();
        task.createdAtMs = query.value(5).toLongLong();
        task.updatedAtMs = query.value(6).toLongLong();
        task.nextRunAtMs = optionalInteger(query.value(7));
        task.finishedAtMs = optionalInteger(query.value(8));
        task.lastError = query.value(9).toString();
        task.hasReport = query.value(10).toInt() != 0;
        tasks.append(task);
    }
    query.finish();
    return tasks;
}

std::optional<Task> TaskStore::findUnfinished(const QString &owner, const QString &repository)
{
    auto query = run(u"SELECT %1 FROM tasks WHERE owner_key = ? AND repository_key = ?"
                     " AND state IN %2"_s.arg(taskColumns, unfinishedStates),
                     { owner.toLower(), repository.toLower() });
    if (!query)
        return std::nullopt;
    const QList<Task> tasks = readTasks(*query);
    return tasks.isEmpty() ? std::nullopt : std::optional<Task>(tasks.first());
}

std::optional<qint64> TaskStore::countUnfinished()
{
    auto query = run(u"SELECT COUNT(*) FROM tasks WHERE state IN %1"_s.arg(unfinishedStates));
    if (!query || !query->next())
        return std::nullopt;
    const qint64 count = query->value(0).toLongLong();
    query->finish();
    return count;
}

bool TaskStore::insertTask(const NewTask &task)
{
    return run(u"INSERT INTO tasks (id, owner, repository, owner_key, repository_key, state,"
               " attempts_made, created_at, updated_at, next_run_at)"
               " VALUES (?, ?, ?, ?, ?, 'scheduled', 0, ?, ?, ?)"_s,
               { task.id, task.owner, task.repository, task.owner.toLower(),
                 task.repository.toLower(), task.createdAtMs, task.createdAtMs, task.runAtMs })
            .has_value();
}

std::optional<Task> TaskStore::task(const QString &id)
{
    auto query = run(u"SELECT %1 FROM tasks WHERE id = ?"_s.arg(taskColumns), { id });
    if (!query)
        return std::nullopt;
    const QList<Task> tasks = readTasks(*query);
    return tasks.isEmpty() ? std::nullopt : std::optional<Task>(tasks.first());
}

std::optional<QList<Attempt>> TaskStore::attempts(const QString &taskId)
{
    auto query = run(u"SELECT number, started_at, finished_at, stage, outcome, http_status, error"
                     " FROM task_attempts WHERE task_id = ? ORDER BY number"_s,
                     { taskId });
    if (!query)
        return std::nullopt;

    QList<Attempt> attempts;
    while (query->next()) {
        Attempt attempt;
        attempt.number = query->value(0).toInt();
        attempt.startedAtMs = query->value(1).toLongLong();
        attempt.finishedAtMs = query->value(2).toLongLong();
        attempt.stage = query->value(3).toString() == "deliver"_L1 ? AttemptStage::Deliver
                                                                  : AttemptStage::Collect;
        const QString outcome = query->value(4).toString();
        attempt.outcome = outcome == "succeeded"_L1 ? AttemptOutcome::Succeeded
                : outcome == "retry"_L1             ? AttemptOutcome::Retry
                                                    : AttemptOutcome::Failed;
        if (!query->value(5).isNull())
            attempt.httpStatus = query->value(5).toInt();
        attempt.error = query->value(6).toString();
        attempts.append(attempt);
    }
    query->finish();
    return attempts;
}

std::optional<TaskPage> TaskStore::listTasks(std::optional<TaskState> state, int limit, int offset)
{
    const QString filter = state ? u" WHERE state = ?"_s : QString();
    const QVariantList filterValues = state ? QVariantList { toString(*state) } : QVariantList {};

    auto count = run(u"SELECT COUNT(*) FROM tasks"_s + filter, filterValues);
    if (!count || !count->next())
        return std::nullopt;
    TaskPage page;
    page.total = count->value(0).toLongLong();
    count->finish();

    auto query = run(u"SELECT %1 FROM tasks%2 ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"_s
                             .arg(taskColumns, filter),
                     filterValues + QVariantList { limit, offset });
    if (!query)
        return std::nullopt;
    page.tasks = readTasks(*query);
    return page;
}

std::optional<qint64> TaskStore::nextDueAtMs()
{
    auto query = run(u"SELECT MIN(next_run_at) FROM tasks"
                     " WHERE state IN ('scheduled', 'retrying')"_s);
    if (!query || !query->next())
        return std::nullopt;
    const std::optional<qint64> due = optionalInteger(query->value(0));
    query->finish();
    return due;
}

QList<Task> TaskStore::claimDue(qint64 nowMs, int limit)
{
    auto due = run(u"SELECT %1 FROM tasks WHERE state IN ('scheduled', 'retrying')"
                   " AND next_run_at <= ? ORDER BY next_run_at, id LIMIT ?"_s.arg(taskColumns),
                   { nowMs, limit });
    if (!due)
        return {};
    const QList<Task> candidates = readTasks(*due);

    QList<Task> claimed;
    for (Task task : candidates) {
        // The state in the WHERE clause makes the claim atomic: if anyone moved the task on
        // since it was read, no row changes and the task is left alone.
        auto update = run(u"UPDATE tasks SET state = 'running', updated_at = ?"
                          " WHERE id = ? AND state = ?"_s,
                          { nowMs, task.id, toString(task.state) });
        if (!update || update->numRowsAffected() != 1)
            continue;
        task.state = TaskState::Running;
        task.updatedAtMs = nowMs;
        claimed.append(task);
    }
    return claimed;
}

int TaskStore::requeueInterrupted(qint64 nowMs)
{
    auto update = run(u"UPDATE tasks SET"
                      " state = CASE WHEN attempts_made = 0 THEN 'scheduled' ELSE 'retrying' END,"
                      " next_run_at = ?, updated_at = ? WHERE state = 'running'"_s,
                      { nowMs, nowMs });
    return update ? update->numRowsAffected() : 0;
}

bool TaskStore::storeReport(const QString &taskId, const QByteArray &reportJson)
{
    return run(u"UPDATE tasks SET report = ? WHERE id = ?"_s,
               { QString::fromUtf8(reportJson), taskId })
            .has_value();
}

std::optional<QByteArray> TaskStore::report(const QString &taskId)
{
    auto query = run(u"SELECT report FROM tasks WHERE id = ?"_s, { taskId });
    if (!query || !query->next() || query->value(0).isNull())
        return std::nullopt;
    const QByteArray json = query->value(0).toString().toUtf8();
    query->finish();
    return json;
}

bool TaskStore::finishAttempt(const QString &taskId, const Attempt &attempt, TaskState newState,
                              std::optional<qint64> nextRunAtMs)
{
    return inTransaction([&] {
        const QVariant status = attempt.httpStatus ? QVariant(*attempt.httpStatus)
                                                   : QVariant(QMetaType::fromType<int>());
        if (!run(u"INSERT INTO task_attempts (task_id, number, started_at, finished_at, stage,"
                 " outcome, http_status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s,
                 { taskId, attempt.number, attempt.startedAtMs, attempt.finishedAtMs,
                   toString(attempt.stage), toString(attempt.outcome), status,
                   nullableText(attempt.error.isEmpty() ? QString() : attempt.error) }))
            return false;

        const QVariant finishedAt = isFinished(newState)
                ? QVariant(attempt.finishedAtMs)
                : QVariant(QMetaType::fromType<qint64>());
        return run(u"UPDATE tasks SET state = ?, attempts_made = ?, updated_at = ?,"
                   " next_run_at = ?, finished_at = ?, last_error = ? WHERE id = ?"_s,
                   { toString(newState), attempt.number, attempt.finishedAtMs,
                     nullableInteger(nextRunAtMs), finishedAt,
                     nullableText(attempt.error.isEmpty() ? QString() : attempt.error),
                     taskId })
                .has_value();
    });
}

std::optional<CachedName> TaskStore::cachedName(const QString &login, qint64 notBeforeMs)
{
    auto query = run(u"SELECT login, name FROM user_names WHERE login_key = ? AND fetched_at >= ?"_s,
                     { login.toLower(), notBeforeMs });
    if (!query || !query->next())
        return std::nullopt;
    CachedName cached;
    cached.login = query->value(0).toString();
    if (!query->value(1).isNull())
        cached.name = query->value(1).toString();
    query->finish();
    return cached;
}

bool TaskStore::storeName(const QString &login, const std::optional<QString> &name, qint64 nowMs)
{
    return run(u"INSERT INTO user_names (login_key, login, name, fetched_at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (login_key) DO UPDATE SET login = excluded.login,"
               " name = excluded.name, fetched_at = excluded.fetched_at"_s,
               { login.toLower(), login, nullableText(name.value_or(QString())), nowMs })
            .has_value();
}

std::optional<QHash<TaskState, qint64>> TaskStore::countByState()
{
    auto query = run(u"SELECT state, COUNT(*) FROM tasks GROUP BY state"_s);
    if (!query)
        return std::nullopt;
    QHash<TaskState, qint64> counts;
    while (query->next()) {
        if (const auto state = taskStateFromString(query->value(0).toString()))
            counts.insert(*state, query->value(1).toLongLong());
    }
    query->finish();
    return counts;
}

std::optional<ActivityCounts> TaskStore::activityPerMinute(qint64 sinceMs)
{
    // Integer division truncates in SQLite and PostgreSQL alike.
    ActivityCounts counts;
    auto created = run(u"SELECT created_at / 60000, COUNT(*) FROM tasks WHERE created_at >= ?"
                       " GROUP BY created_at / 60000"_s,
                       { sinceMs });
    if (!created)
        return std::nullopt;
    while (created->next()) {
        counts.created.insert(created->value(0).toLongLong() * 60'000,
                              created->value(1).toLongLong());
    }
    created->finish();

    auto finished = run(u"SELECT finished_at / 60000, state, COUNT(*) FROM tasks"
                        " WHERE finished_at >= ? AND state IN ('delivered', 'failed')"
                        " GROUP BY finished_at / 60000, state"_s,
                        { sinceMs });
    if (!finished)
        return std::nullopt;
    while (finished->next()) {
        QMap<qint64, qint64> &series = finished->value(1).toString() == "delivered"_L1
                ? counts.delivered
                : counts.failed;
        series.insert(finished->value(0).toLongLong() * 60'000, finished->value(2).toLongLong());
    }
    finished->finish();
    return counts;
}

std::optional<QList<Task>> TaskStore::unfinishedTasks(int limit)
{
    auto query = run(u"SELECT %1 FROM tasks WHERE state IN %2"
                     " ORDER BY CASE WHEN state = 'running' THEN 0 ELSE 1 END, next_run_at, id"
                     " LIMIT ?"_s.arg(taskColumns, unfinishedStates),
                     { limit });
    if (!query)
        return std::nullopt;
    return readTasks(*query);
}

std::optional<QList<Task>> TaskStore::recentlyFinishedTasks(int limit)
{
    // COALESCE: PostgreSQL sorts NULLs first in DESC order, SQLite last.
    auto query = run(u"SELECT %1 FROM tasks WHERE state NOT IN %2"
                     " ORDER BY COALESCE(finished_at, updated_at) DESC, id DESC LIMIT ?"_s
                             .arg(taskColumns, unfinishedStates),
                     { limit });
    if (!query)
        return std::nullopt;
    return readTasks(*query);
}

std::optional<int> TaskStore::cancelTask(const QString &id, qint64 nowMs)
{
    // The state in the WHERE clause makes this safe against a claim that came first.
    auto update = run(u"UPDATE tasks SET state = 'cancelled', updated_at = ?, finished_at = ?,"
                      " next_run_at = NULL WHERE id = ? AND state IN ('scheduled', 'retrying')"_s,
                      { nowMs, nowMs, id });
    if (!update)
        return std::nullopt;
    return update->numRowsAffected();
}

std::optional<int> TaskStore::retryFailedTask(const QString &id, qint64 nowMs)
{
    auto update = run(u"UPDATE tasks SET state = 'retrying', updated_at = ?, next_run_at = ?,"
                      " finished_at = NULL WHERE id = ? AND state = 'failed'"_s,
                      { nowMs, nowMs, id });
    if (!update)
        return std::nullopt;
    return update->numRowsAffected();
}

} // namespace hookme
