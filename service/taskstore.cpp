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
        { 2,
          {
                  // What each task cost in GitHub requests, and a wait for GitHub's rate limit.
                  u"ALTER TABLE tasks ADD COLUMN github_requests INTEGER NOT NULL DEFAULT 0"_s,
                  u"ALTER TABLE tasks ADD COLUMN github_quota_requests INTEGER NOT NULL"
                  " DEFAULT 0"_s,
                  u"ALTER TABLE tasks ADD COLUMN rate_limited_until BIGINT"_s,
                  // GitHub answers kept for conditional requests: the validators GitHub sent
                  // and what hookme took from the answer (not the whole answer).
                  u"CREATE TABLE github_responses ("
                  " cache_key TEXT PRIMARY KEY,"
                  " etag TEXT,"
                  " last_modified TEXT,"
                  " next_link TEXT,"
                  " content TEXT NOT NULL,"
                  " stored_at BIGINT NOT NULL)"_s,
          } },
        { 3,
          {
                  // Failures per stage since the task was (re)queued; together they are the
                  // task's used-up retries.
                  u"ALTER TABLE tasks ADD COLUMN collect_failures INTEGER NOT NULL DEFAULT 0"_s,
                  u"ALTER TABLE tasks ADD COLUMN delivery_failures INTEGER NOT NULL DEFAULT 0"_s,
                  // The start (at most 1 KiB) of the webhook's answer to the attempt.
                  u"ALTER TABLE task_attempts ADD COLUMN response_body TEXT"_s,
          } },
    };
    return all;
}

const QString taskColumns = u"id, owner, repository, state, attempts_made, created_at,"
                            " updated_at, next_run_at, finished_at, last_error,"
                            " CASE WHEN report IS NULL THEN 0 ELSE 1 END,"
                            " github_requests, github_quota_requests, rate_limited_until,"
                            " collect_failures, delivery_failures"_s;

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
    m_statements.clear();
    m_oneOffStatement.reset();
    {
        QSqlDatabase database = QSqlDatabase::database(m_connectionName, false);
        if (database.isOpen())
            database.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool TaskStore::open(const QString &databasePath)
{
    const bool inMemory = databasePath == ":memory:"_L1;
    const QFileInfo file(databasePath);
    if (!inMemory && !QDir().mkpath(file.absolutePath())) {
        m_lastError = u"cannot create the data directory %1"_s.arg(file.absolutePath());
        return false;
    }

    QSqlDatabase database = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    database.setDatabaseName(inMemory ? databasePath : file.absoluteFilePath());
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
        if (!run(pragma, {}, Statement::OneOff))
            return false;
    }

    if (!migrate())
        return false;
    qCDebug(lcStore) << "database ready at" << database.databaseName();
    return true;
}

bool TaskStore::migrate()
{
    if (!run(u"CREATE TABLE IF NOT EXISTS schema_migrations ("
             " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"_s,
             {}, Statement::OneOff))
        return false;

    QSqlQuery *current = run(u"SELECT COALESCE(MAX(version), 0) FROM schema_migrations"_s, {},
                             Statement::OneOff);
    if (!current || !current->next())
        return false;
    const int version = current->value(0).toInt();
    current->finish();

    for (const Migration &migration : migrations()) {
        if (migration.version <= version)
            continue;
        const bool applied = inTransaction([&] {
            for (const QString &statement : migration.statements) {
                if (!run(statement, {}, Statement::OneOff))
                    return false;
            }
            return run(u"INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"_s,
                       { migration.version, QDateTime::currentMSecsSinceEpoch() },
                       Statement::OneOff)
                    != nullptr;
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

QSqlQuery *TaskStore::run(const QString &sql, const QVariantList &values, Statement kind)
{
    const QSqlDatabase database = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery *query = nullptr;
    if (kind == Statement::Reused) {
        // Parsing SQL costs more than running these small statements: prepare each text once.
        auto it = m_statements.find(sql);
        if (it == m_statements.end()) {
            QSqlQuery prepared(database);
            prepared.setForwardOnly(true);
            if (!prepared.prepare(sql)) {
                m_lastError = prepared.lastError().text();
                qCWarning(lcStore).noquote() << "cannot prepare" << sql << ":" << m_lastError;
                return nullptr;
            }
            it = m_statements.emplace(sql, std::move(prepared)).first;
        }
        query = &it->second;
        query->finish();
    } else {
        m_oneOffStatement.emplace(database);
        query = &*m_oneOffStatement;
        query->setForwardOnly(true);
        if (!query->prepare(sql)) {
            m_lastError = query->lastError().text();
            qCWarning(lcStore).noquote() << "cannot prepare" << sql << ":" << m_lastError;
            return nullptr;
        }
    }

    for (qsizetype i = 0; i < values.size(); ++i)
        query->bindValue(int(i), values.at(i));
    if (!query->exec()) {
        m_lastError = query->lastError().text();
        qCWarning(lcStore).noquote() << "statement failed:" << sql << ":" << m_lastError;
        return nullptr;
    }
    return query;
}

void TaskStore::finishStatements()
{
    for (auto &[sql, query] : m_statements)
        query.finish();
    if (m_oneOffStatement)
        m_oneOffStatement->finish();
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
        finishStatements();
        database.rollback();
        return false;
    }
    // A statement with unread rows would make the commit fail.
    finishStatements();
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
        task.githubRequests = query.value(11).toInt();
        task.githubQuotaRequests = query.value(12).toInt();
        task.rateLimitedUntilMs = optionalInteger(query.value(13));
        task.collectFailures = query.value(14).toInt();
        task.deliveryFailures = query.value(15).toInt();
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

bool TaskStore::insertTask(const NewTask &task, bool *duplicate)
{
    // The partial unique index turns a second unfinished task for the repository into no row
    // at all, without an error that would abort the transaction.
    QSqlQuery *insert =
            run(u"INSERT INTO tasks (id, owner, repository, owner_key, repository_key, state,"
                " attempts_made, created_at, updated_at, next_run_at)"
                " VALUES (?, ?, ?, ?, ?, 'scheduled', 0, ?, ?, ?)"
                " ON CONFLICT (owner_key, repository_key)"
                " WHERE state IN ('scheduled', 'running', 'retrying') DO NOTHING"_s,
                { task.id, task.owner, task.repository, task.owner.toLower(),
                  task.repository.toLower(), task.createdAtMs, task.createdAtMs, task.runAtMs });
    const bool inserted = insert && insert->numRowsAffected() == 1;
    if (duplicate)
        *duplicate = insert && !inserted;
    return inserted;
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
    auto query = run(u"SELECT number, started_at, finished_at, stage, outcome, http_status, error,"
                     " response_body FROM task_attempts WHERE task_id = ? ORDER BY number"_s,
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
        attempt.responseBody = query->value(7).toString();
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
        auto update = run(u"UPDATE tasks SET state = 'running', updated_at = ?,"
                          " rate_limited_until = NULL WHERE id = ? AND state = ?"_s,
                          { nowMs, task.id, toString(task.state) });
        if (!update || update->numRowsAffected() != 1)
            continue;
        task.state = TaskState::Running;
        task.updatedAtMs = nowMs;
        task.rateLimitedUntilMs.reset();
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
    // A report may be many megabytes. SQLite takes the UTF-8 bytes as they are (stored as a
    // BLOB in the TEXT column, which SQLite's typing allows): no UTF-16 copy at twice the size.
    // Other databases get text, as the column's type says.
    // Known limitation: SQLite still makes one copy of the bytes while it writes them.
    const bool sqlite = QSqlDatabase::database(m_connectionName, false).driverName()
            == "QSQLITE"_L1;
    const QVariant value = sqlite ? QVariant(reportJson) : QVariant(QString::fromUtf8(reportJson));
    return run(u"UPDATE tasks SET report = ? WHERE id = ?"_s, { value, taskId }) != nullptr;
}

std::optional<QByteArray> TaskStore::report(const QString &taskId)
{
    QSqlQuery *query = run(u"SELECT report FROM tasks WHERE id = ?"_s, { taskId });
    if (!query || !query->next())
        return std::nullopt;
    const QVariant json = query->value(0);
    query->finish();
    if (json.isNull())
        return std::nullopt;
    // Bytes as stored (see storeReport), or text from a database that stores text.
    return json.typeId() == QMetaType::QByteArray ? json.toByteArray() : json.toString().toUtf8();
}

bool TaskStore::finishAttempt(const QString &taskId, const Attempt &attempt, TaskState newState,
                              std::optional<qint64> nextRunAtMs, bool *notRunning)
{
    if (notRunning)
        *notRunning = false;
    const bool failed = attempt.outcome != AttemptOutcome::Succeeded;
    const int collectFailure = failed && attempt.stage == AttemptStage::Collect ? 1 : 0;
    const int deliveryFailure = failed && attempt.stage == AttemptStage::Deliver ? 1 : 0;

    return inTransaction([&] {
        // Only a task that is still Running moves on: one cancelled during the attempt stays
        // cancelled, and the attempt leaves no trace.
        const QVariant finishedAt = isFinished(newState)
                ? QVariant(attempt.finishedAtMs)
                : QVariant(QMetaType::fromType<qint64>());
        // A delivered report is not needed any more; only a failed task may be sent again.
        QSqlQuery *update = run(u"UPDATE tasks SET state = ?, attempts_made = ?, updated_at = ?,"
                                " next_run_at = ?, finished_at = ?, last_error = ?,"
                                " report = CASE WHEN ? = 'delivered' THEN NULL ELSE report END,"
                                " collect_failures = collect_failures + ?,"
                                " delivery_failures = delivery_failures + ?"
                                " WHERE id = ? AND state = 'running'"_s,
                                { toString(newState), attempt.number, attempt.finishedAtMs,
                                  nullableInteger(nextRunAtMs), finishedAt,
                                  nullableText(attempt.error.isEmpty() ? QString()
                                                                       : attempt.error),
                                  toString(newState), collectFailure, deliveryFailure, taskId });
        if (!update)
            return false;
        if (update->numRowsAffected() != 1) {
            m_lastError = u"task %1 is not running (unknown, or cancelled meanwhile)"_s.arg(taskId);
            if (notRunning)
                *notRunning = true;
            return false;
        }

        const QVariant status = attempt.httpStatus ? QVariant(*attempt.httpStatus)
                                                   : QVariant(QMetaType::fromType<int>());
        return run(u"INSERT INTO task_attempts (task_id, number, started_at, finished_at, stage,"
                   " outcome, http_status, error, response_body)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                   { taskId, attempt.number, attempt.startedAtMs, attempt.finishedAtMs,
                     toString(attempt.stage), toString(attempt.outcome), status,
                     nullableText(attempt.error.isEmpty() ? QString() : attempt.error),
                     nullableText(attempt.responseBody) })
                != nullptr;
    });
}

bool TaskStore::deferAttempt(const QString &taskId, qint64 untilMs, qint64 nowMs)
{
    // Back to the state it was claimed from; the attempt does not count.
    return run(u"UPDATE tasks SET"
               " state = CASE WHEN attempts_made = 0 THEN 'scheduled' ELSE 'retrying' END,"
               " next_run_at = ?, rate_limited_until = ?, updated_at = ?"
               " WHERE id = ? AND state = 'running'"_s,
               { untilMs, untilMs, nowMs, taskId })
            != nullptr;
}

bool TaskStore::addGitHubRequests(const QString &taskId, int made, int countedAgainstQuota)
{
    if (made == 0 && countedAgainstQuota == 0)
        return true;
    return run(u"UPDATE tasks SET github_requests = github_requests + ?,"
               " github_quota_requests = github_quota_requests + ? WHERE id = ?"_s,
               { made, countedAgainstQuota, taskId })
            != nullptr;
}

std::optional<StoredResponse> TaskStore::storedResponse(const QString &cacheKey)
{
    auto query = run(u"SELECT etag, last_modified, next_link, content FROM github_responses"
                     " WHERE cache_key = ?"_s,
                     { cacheKey });
    if (!query || !query->next())
        return std::nullopt;
    StoredResponse stored;
    stored.etag = query->value(0).toString().toUtf8();
    stored.lastModified = query->value(1).toString().toUtf8();
    stored.nextLink = query->value(2).toString();
    stored.content = query->value(3).toString().toUtf8();
    query->finish();
    return stored;
}

bool TaskStore::storeResponse(const QString &cacheKey, const StoredResponse &response,
                              qint64 nowMs)
{
    return run(u"INSERT INTO github_responses (cache_key, etag, last_modified, next_link,"
               " content, stored_at) VALUES (?, ?, ?, ?, ?, ?)"
               " ON CONFLICT (cache_key) DO UPDATE SET etag = excluded.etag,"
               " last_modified = excluded.last_modified, next_link = excluded.next_link,"
               " content = excluded.content, stored_at = excluded.stored_at"_s,
               { cacheKey, nullableText(QString::fromUtf8(response.etag)),
                 nullableText(QString::fromUtf8(response.lastModified)),
                 nullableText(response.nextLink), QString::fromUtf8(response.content), nowMs })
            != nullptr;
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
            != nullptr;
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
                      " finished_at = NULL, collect_failures = 0, delivery_failures = 0"
                      " WHERE id = ? AND state = 'failed'"_s,
                      { nowMs, nowMs, id });
    if (!update)
        return std::nullopt;
    return update->numRowsAffected();
}

} // namespace hookme
