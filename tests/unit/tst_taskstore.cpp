// Specification of the durable store (service/taskstore.h), run against a real SQLite file in a
// temporary directory. Times are fixed milliseconds, so every expected value is exact.
#include "taskstore.h"
#include "testprinters.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using hookme::Attempt;
using hookme::AttemptOutcome;
using hookme::AttemptStage;
using hookme::NewTask;
using hookme::Task;
using hookme::TaskState;
using hookme::TaskStore;

namespace {

// A task id shaped like the UUIDs the service uses, readable in failures.
QString taskId(int number)
{
    return u"00000000-0000-4000-8000-%1"_s.arg(number, 12, 10, QChar(u'0'));
}

NewTask newTask(int number, const QString &owner, const QString &repository,
                qint64 createdAtMs = 1'000, qint64 runAtMs = 2'000)
{
    return NewTask { taskId(number), owner, repository, createdAtMs, runAtMs };
}

Attempt attempt(int number, AttemptStage stage, AttemptOutcome outcome,
                std::optional<int> httpStatus, const QString &error, qint64 finishedAtMs)
{
    Attempt result;
    result.number = number;
    result.startedAtMs = finishedAtMs - 100;
    result.finishedAtMs = finishedAtMs;
    result.stage = stage;
    result.outcome = outcome;
    result.httpStatus = httpStatus;
    result.error = error;
    return result;
}

QStringList idsOf(const QList<Task> &tasks)
{
    QStringList ids;
    for (const Task &task : tasks)
        ids.append(task.id);
    return ids;
}

// A second, independent connection to the database file, to look at it from outside.
class RawConnection
{
public:
    explicit RawConnection(const QString &path)
        : m_name(u"raw-connection-%1"_s.arg(++s_count))
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        database.setDatabaseName(path);
        m_open = database.open();
    }

    ~RawConnection()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }

    bool isOpen() const { return m_open; }

    // The first column of every row the statement returns, as strings.
    QStringList column(const QString &sql) const
    {
        QStringList values;
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql))
            return { u"<error: %1>"_s.arg(sql) };
        while (query.next())
            values.append(query.value(0).toString());
        return values;
    }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_open = false;
};

} // namespace

class TestTaskStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void openCreatesDirectoryAndSchema();
    void reopeningDoesNotMigrateAgain();
    void openFailsWhenTheDirectoryCannotBeCreated();
    void journalModeIsWal();

    void insertedTaskReadsBack();
    void unknownTaskIsNone();
    void duplicateIdIsRefused();
    void findUnfinishedIgnoresCase_data();
    void findUnfinishedIgnoresCase();
    void oneUnfinishedTaskPerRepository_data();
    void oneUnfinishedTaskPerRepository();
    void countUnfinished();

    void listNewestFirst();
    void listPages();
    void listByState();

    void nextDueAtMs();
    void claimDueTakesOnlyDueTasks();
    void claimDueNeverReturnsATaskTwice();
    void claimDueHonoursTheLimit();
    void requeueInterrupted();

    void finishAttemptRecordsHistory();
    void finishAttemptFailedKeepsTheError();
    void finishAttemptForUnknownTaskIsRefused();
    void reportRoundTrip();

    void transactionCommits();
    void transactionRollsBack();

    void nameCache();

    void durableAcrossInstances();

    void finishAttemptAppliesOnlyWhileRunning();
    void failuresAreCountedPerStage();
    void attemptKeepsTheResponseBody();
    void deliveredTaskDropsItsReport();
    void largeReportRoundTrip();
    void retryResetsTheRetryBudgets();
    void countByState();
    void activityPerMinute();
    void unfinishedTasksRunningFirstThenSoonestDue();
    void recentlyFinishedTasksNewestFirst();
    void cancelTaskOnlyWhenScheduledOrRetrying();
    void retryFailedTaskOnlyWhenFailed();
    void retryFailedTaskRefusedWhileTheRepositoryIsBusy();

private:
    QString databasePath() const { return m_directory->filePath(u"data/hookme.db"_s); }
    void openStore();
    // Claims the earliest due task, which must be `id`, and ends one attempt of it in `state`
    // (or leaves it Running).
    void bringTo(const QString &id, TaskState state);

    std::unique_ptr<QTemporaryDir> m_directory;
    std::unique_ptr<TaskStore> m_store;
};

void TestTaskStore::initTestCase()
{
    // Every test opens a store; keep its start-up lines out of the output. Warnings stay.
    QLoggingCategory::setFilterRules(u"hookme.store.info=false"_s);
}

void TestTaskStore::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
    openStore();
}

void TestTaskStore::cleanup()
{
    m_store.reset();
    m_directory.reset();
}

void TestTaskStore::openStore()
{
    m_store = std::make_unique<TaskStore>();
    QVERIFY2(m_store->open(databasePath()), qPrintable(m_store->lastError()));
}

void TestTaskStore::bringTo(const QString &id, TaskState state)
{
    const std::optional<Task> before = m_store->task(id);
    QVERIFY(before);
    // The caller makes sure that this task is the earliest due one.
    const qint64 now = *before->nextRunAtMs;
    QCOMPARE(idsOf(m_store->claimDue(now, 1)), QStringList { id });
    if (state == TaskState::Running)
        return;

    const int number = before->attemptsMade + 1;
    const AttemptOutcome outcome = state == TaskState::Delivered ? AttemptOutcome::Succeeded
            : state == TaskState::Retrying                       ? AttemptOutcome::Retry
                                                                 : AttemptOutcome::Failed;
    const QString error = outcome == AttemptOutcome::Succeeded ? QString() : u"boom"_s;
    const std::optional<qint64> next =
            state == TaskState::Retrying ? std::optional<qint64>(now + 500) : std::nullopt;
    const Attempt finished =
            attempt(number, AttemptStage::Deliver, outcome, 500, error, now + 10);
    QVERIFY(m_store->finishAttempt(id, finished, state, next));
    COMPARE_NAMES(m_store->task(id)->state, state);
}

void TestTaskStore::openCreatesDirectoryAndSchema()
{
    QVERIFY(QFile::exists(databasePath()));

    RawConnection raw(databasePath());
    QVERIFY(raw.isOpen());
    QCOMPARE(raw.column(u"SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"_s),
             (QStringList { u"github_responses"_s, u"schema_migrations"_s, u"task_attempts"_s,
                            u"tasks"_s, u"user_names"_s }));
    QCOMPARE(raw.column(u"SELECT name FROM sqlite_master WHERE type = 'index'"
                        " AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name"_s),
             (QStringList { u"tasks_due"_s, u"tasks_newest"_s, u"tasks_one_unfinished"_s }));
    QCOMPARE(raw.column(u"SELECT version FROM schema_migrations ORDER BY version"_s),
             (QStringList { u"1"_s, u"2"_s, u"3"_s }));
}

void TestTaskStore::reopeningDoesNotMigrateAgain()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s)));
    m_store.reset();

    openStore();
    openStore();  // the previous store is destroyed first; each open runs the migration check

    RawConnection raw(databasePath());
    QCOMPARE(raw.column(u"SELECT version FROM schema_migrations ORDER BY version"_s),
             (QStringList { u"1"_s, u"2"_s, u"3"_s }));
    QCOMPARE(raw.column(u"SELECT id FROM tasks"_s), QStringList { taskId(1) });
}

void TestTaskStore::openFailsWhenTheDirectoryCannotBeCreated()
{
    const QString blocker = m_directory->filePath(u"blocker"_s);
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    TaskStore store;
    QVERIFY(!store.open(blocker + u"/sub/hookme.db"_s));
    QCOMPARE(store.lastError(), u"cannot create the data directory %1/sub"_s.arg(blocker));
}

void TestTaskStore::journalModeIsWal()
{
    RawConnection raw(databasePath());
    QVERIFY(raw.isOpen());
    QCOMPARE(raw.column(u"PRAGMA journal_mode"_s), QStringList { u"wal"_s });
}

void TestTaskStore::insertedTaskReadsBack()
{
    QVERIFY(m_store->insertTask(newTask(1, u"Octo-Org"_s, u"Hello-World"_s, 1'500, 12'300)));

    const std::optional<Task> task = m_store->task(taskId(1));
    QVERIFY(task);
    QCOMPARE(task->id, taskId(1));
    QCOMPARE(task->owner, u"Octo-Org"_s);  // as the client gave it
    QCOMPARE(task->repository, u"Hello-World"_s);
    COMPARE_NAMES(task->state, TaskState::Scheduled);
    QCOMPARE(task->attemptsMade, 0);
    QCOMPARE(task->createdAtMs, 1'500);
    QCOMPARE(task->updatedAtMs, 1'500);
    QCOMPARE(task->nextRunAtMs, std::optional<qint64>(12'300));
    QCOMPARE(task->finishedAtMs, std::nullopt);
    QCOMPARE(task->lastError, QString());
    QCOMPARE(task->hasReport, false);

    const auto attempts = m_store->attempts(taskId(1));
    QVERIFY(attempts);
    QCOMPARE(attempts->size(), 0);
}

void TestTaskStore::unknownTaskIsNone()
{
    QVERIFY(!m_store->task(taskId(99)));
    const auto attempts = m_store->attempts(taskId(99));
    QVERIFY(attempts);
    QCOMPARE(attempts->size(), 0);
}

void TestTaskStore::duplicateIdIsRefused()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"one"_s)));
    QVERIFY(!m_store->insertTask(newTask(1, u"octo"_s, u"two"_s)));
    QVERIFY(!m_store->lastError().isEmpty());
    QCOMPARE(m_store->task(taskId(1))->repository, u"one"_s);
}

void TestTaskStore::findUnfinishedIgnoresCase_data()
{
    QTest::addColumn<QString>("owner");
    QTest::addColumn<QString>("repository");
    QTest::addColumn<bool>("found");

    QTest::newRow("same spelling") << u"Octo-Org"_s << u"Hello-World"_s << true;
    QTest::newRow("lower case") << u"octo-org"_s << u"hello-world"_s << true;
    QTest::newRow("upper case") << u"OCTO-ORG"_s << u"HELLO-WORLD"_s << true;
    QTest::newRow("other repository") << u"octo-org"_s << u"hello-world2"_s << false;
    QTest::newRow("other owner") << u"octo-org2"_s << u"hello-world"_s << false;
    QTest::newRow("owner and repository swapped") << u"Hello-World"_s << u"Octo-Org"_s << false;
}

void TestTaskStore::findUnfinishedIgnoresCase()
{
    QFETCH(QString, owner);
    QFETCH(QString, repository);
    QFETCH(bool, found);

    QVERIFY(m_store->insertTask(newTask(1, u"Octo-Org"_s, u"Hello-World"_s)));
    const std::optional<Task> task = m_store->findUnfinished(owner, repository);
    QCOMPARE(task.has_value(), found);
    if (found) {
        QCOMPARE(task->id, taskId(1));
        QCOMPARE(task->owner, u"Octo-Org"_s);
        QCOMPARE(task->repository, u"Hello-World"_s);
    }
}

void TestTaskStore::oneUnfinishedTaskPerRepository_data()
{
    QTest::addColumn<TaskState>("firstState");
    QTest::addColumn<bool>("secondAllowed");

    QTest::newRow("scheduled") << TaskState::Scheduled << false;
    QTest::newRow("running") << TaskState::Running << false;
    QTest::newRow("retrying") << TaskState::Retrying << false;
    QTest::newRow("delivered") << TaskState::Delivered << true;
    QTest::newRow("failed") << TaskState::Failed << true;
    QTest::newRow("cancelled") << TaskState::Cancelled << true;
}

void TestTaskStore::oneUnfinishedTaskPerRepository()
{
    QFETCH(TaskState, firstState);
    QFETCH(bool, secondAllowed);

    QVERIFY(m_store->insertTask(newTask(1, u"Octo"_s, u"Repo"_s)));
    if (firstState != TaskState::Scheduled)
        bringTo(taskId(1), firstState);

    // Another spelling of the same repository, as a concurrent intake could insert it.
    QCOMPARE(m_store->insertTask(newTask(2, u"octo"_s, u"REPO"_s, 5'000, 6'000)), secondAllowed);
    QCOMPARE(m_store->task(taskId(2)).has_value(), secondAllowed);
    QCOMPARE(m_store->findUnfinished(u"OCTO"_s, u"repo"_s)->id,
             secondAllowed ? taskId(2) : taskId(1));

    // Another repository of the same owner is never affected.
    QVERIFY(m_store->insertTask(newTask(3, u"octo"_s, u"other"_s)));
    // Once the second task is unfinished, a third is refused in every case.
    if (secondAllowed)
        QVERIFY(!m_store->insertTask(newTask(4, u"OCTO"_s, u"Repo"_s)));
}

void TestTaskStore::countUnfinished()
{
    QCOMPARE(m_store->countUnfinished(), std::optional<qint64>(0));

    for (int i = 1; i <= 5; ++i)
        QVERIFY(m_store->insertTask(newTask(i, u"octo"_s, u"repo%1"_s.arg(i))));
    QCOMPARE(m_store->countUnfinished(), std::optional<qint64>(5));

    bringTo(taskId(1), TaskState::Running);
    bringTo(taskId(2), TaskState::Retrying);
    bringTo(taskId(3), TaskState::Delivered);
    bringTo(taskId(4), TaskState::Failed);
    // 1 running, 2 retrying and 5 scheduled are unfinished.
    QCOMPARE(m_store->countUnfinished(), std::optional<qint64>(3));
}

void TestTaskStore::listNewestFirst()
{
    // Inserted out of order; 4 and 5 share a creation time, so the larger id comes first.
    const QList<std::pair<int, qint64>> created { { 3, 3'000 }, { 1, 1'000 }, { 5, 4'000 },
                                                  { 2, 2'000 }, { 4, 4'000 } };
    for (const auto &[number, createdAt] : created) {
        QVERIFY(m_store->insertTask(
                newTask(number, u"octo"_s, u"repo%1"_s.arg(number), createdAt, createdAt)));
    }

    const auto page = m_store->listTasks(std::nullopt, 100, 0);
    QVERIFY(page);
    QCOMPARE(page->total, 5);
    QCOMPARE(idsOf(page->tasks),
             (QStringList { taskId(5), taskId(4), taskId(3), taskId(2), taskId(1) }));
    QCOMPARE(page->tasks.at(2).repository, u"repo3"_s);
    QCOMPARE(page->tasks.at(2).createdAtMs, 3'000);
}

void TestTaskStore::listPages()
{
    for (int i = 1; i <= 5; ++i)
        QVERIFY(m_store->insertTask(newTask(i, u"octo"_s, u"repo%1"_s.arg(i), i * 1'000)));

    const auto first = m_store->listTasks(std::nullopt, 2, 0);
    QVERIFY(first);
    QCOMPARE(first->total, 5);
    QCOMPARE(idsOf(first->tasks), (QStringList { taskId(5), taskId(4) }));

    const auto second = m_store->listTasks(std::nullopt, 2, 2);
    QVERIFY(second);
    QCOMPARE(second->total, 5);
    QCOMPARE(idsOf(second->tasks), (QStringList { taskId(3), taskId(2) }));

    const auto last = m_store->listTasks(std::nullopt, 2, 4);
    QVERIFY(last);
    QCOMPARE(last->total, 5);
    QCOMPARE(idsOf(last->tasks), QStringList { taskId(1) });

    const auto beyond = m_store->listTasks(std::nullopt, 2, 10);
    QVERIFY(beyond);
    QCOMPARE(beyond->total, 5);
    QCOMPARE(beyond->tasks.size(), 0);
}

void TestTaskStore::listByState()
{
    // Tasks 2, 3 and 5 become due first, in that order, and are finished.
    for (int i = 1; i <= 6; ++i) {
        const qint64 runAt = (i == 2 || i == 3 || i == 5) ? i : 1'000'000;
        QVERIFY(m_store->insertTask(newTask(i, u"octo"_s, u"repo%1"_s.arg(i), i * 1'000, runAt)));
    }
    bringTo(taskId(2), TaskState::Delivered);
    bringTo(taskId(3), TaskState::Failed);
    bringTo(taskId(5), TaskState::Delivered);

    const auto delivered = m_store->listTasks(TaskState::Delivered, 10, 0);
    QVERIFY(delivered);
    QCOMPARE(delivered->total, 2);
    QCOMPARE(idsOf(delivered->tasks), (QStringList { taskId(5), taskId(2) }));
    for (const Task &task : delivered->tasks)
        COMPARE_NAMES(task.state, TaskState::Delivered);

    const auto scheduled = m_store->listTasks(TaskState::Scheduled, 2, 1);
    QVERIFY(scheduled);
    QCOMPARE(scheduled->total, 3);
    QCOMPARE(idsOf(scheduled->tasks), (QStringList { taskId(4), taskId(1) }));

    const auto cancelled = m_store->listTasks(TaskState::Cancelled, 10, 0);
    QVERIFY(cancelled);
    QCOMPARE(cancelled->total, 0);
    QCOMPARE(cancelled->tasks.size(), 0);
}

void TestTaskStore::nextDueAtMs()
{
    QCOMPARE(m_store->nextDueAtMs(), std::nullopt);

    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"a"_s, 1'000, 5'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"octo"_s, u"b"_s, 1'000, 3'000)));
    QCOMPARE(m_store->nextDueAtMs(), std::optional<qint64>(3'000));

    // A running task is not due; a retrying one is due at its retry time.
    QCOMPARE(idsOf(m_store->claimDue(3'000, 10)), QStringList { taskId(2) });
    QCOMPARE(m_store->nextDueAtMs(), std::optional<qint64>(5'000));
    QVERIFY(m_store->finishAttempt(
            taskId(2),
            attempt(1, AttemptStage::Collect, AttemptOutcome::Retry, 502, u"bad"_s, 3'100),
            TaskState::Retrying, 4'000));
    QCOMPARE(m_store->nextDueAtMs(), std::optional<qint64>(4'000));

    // Finished tasks are never due.
    QCOMPARE(idsOf(m_store->claimDue(10'000, 10)), (QStringList { taskId(2), taskId(1) }));
    QCOMPARE(m_store->nextDueAtMs(), std::nullopt);
    QVERIFY(m_store->finishAttempt(
            taskId(1),
            attempt(1, AttemptStage::Deliver, AttemptOutcome::Succeeded, 200, {}, 10'100),
            TaskState::Delivered, std::nullopt));
    QCOMPARE(m_store->nextDueAtMs(), std::nullopt);
}

void TestTaskStore::claimDueTakesOnlyDueTasks()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"a"_s, 100, 2'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"octo"_s, u"b"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(3, u"octo"_s, u"c"_s, 100, 3'000)));

    QCOMPARE(m_store->claimDue(999, 10).size(), 0);

    const QList<Task> claimed = m_store->claimDue(2'000, 10);
    QCOMPARE(idsOf(claimed), (QStringList { taskId(2), taskId(1) }));  // earliest due first
    for (const Task &task : claimed) {
        COMPARE_NAMES(task.state, TaskState::Running);
        QCOMPARE(task.updatedAtMs, 2'000);
        COMPARE_NAMES(m_store->task(task.id)->state, TaskState::Running);
        QCOMPARE(m_store->task(task.id)->updatedAtMs, 2'000);
    }
    QCOMPARE(claimed.at(0).repository, u"b"_s);
    QCOMPARE(claimed.at(0).nextRunAtMs, std::optional<qint64>(1'000));

    COMPARE_NAMES(m_store->task(taskId(3))->state, TaskState::Scheduled);
}

void TestTaskStore::claimDueNeverReturnsATaskTwice()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"a"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"octo"_s, u"b"_s, 100, 1'000)));

    QCOMPARE(idsOf(m_store->claimDue(5'000, 10)), (QStringList { taskId(1), taskId(2) }));
    QCOMPARE(m_store->claimDue(5'000, 10).size(), 0);

    // Nor through a second store on the same file.
    TaskStore other;
    QVERIFY2(other.open(databasePath()), qPrintable(other.lastError()));
    QCOMPARE(other.claimDue(5'000, 10).size(), 0);

    QVERIFY(m_store->insertTask(newTask(3, u"octo"_s, u"c"_s, 100, 1'000)));
    QCOMPARE(idsOf(other.claimDue(5'000, 10)), QStringList { taskId(3) });
    QCOMPARE(m_store->claimDue(5'000, 10).size(), 0);
}

void TestTaskStore::claimDueHonoursTheLimit()
{
    for (int i = 1; i <= 5; ++i)
        QVERIFY(m_store->insertTask(newTask(i, u"octo"_s, u"r%1"_s.arg(i), 100, 1'000 + i)));

    QCOMPARE(idsOf(m_store->claimDue(9'000, 2)), (QStringList { taskId(1), taskId(2) }));
    QCOMPARE(idsOf(m_store->claimDue(9'000, 2)), (QStringList { taskId(3), taskId(4) }));
    QCOMPARE(idsOf(m_store->claimDue(9'000, 2)), QStringList { taskId(5) });
    QCOMPARE(m_store->claimDue(9'000, 2).size(), 0);
}

void TestTaskStore::requeueInterrupted()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"first-try"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"octo"_s, u"a-retry"_s, 100, 800)));
    QVERIFY(m_store->insertTask(newTask(3, u"octo"_s, u"waiting"_s, 100, 50'000)));
    QVERIFY(m_store->insertTask(newTask(4, u"octo"_s, u"done"_s, 100, 500)));
    bringTo(taskId(4), TaskState::Delivered);
    bringTo(taskId(2), TaskState::Retrying);  // one finished attempt, due again at 1'300
    // Both are running when the service stops.
    QCOMPARE(idsOf(m_store->claimDue(1'500, 10)), (QStringList { taskId(1), taskId(2) }));

    QCOMPARE(m_store->requeueInterrupted(9'000), 2);

    const Task first = *m_store->task(taskId(1));
    COMPARE_NAMES(first.state, TaskState::Scheduled);
    QCOMPARE(first.attemptsMade, 0);
    QCOMPARE(first.nextRunAtMs, std::optional<qint64>(9'000));
    QCOMPARE(first.updatedAtMs, 9'000);

    const Task retry = *m_store->task(taskId(2));
    COMPARE_NAMES(retry.state, TaskState::Retrying);
    QCOMPARE(retry.attemptsMade, 1);
    QCOMPARE(retry.nextRunAtMs, std::optional<qint64>(9'000));
    QCOMPARE(retry.updatedAtMs, 9'000);
    QCOMPARE(m_store->attempts(taskId(2))->size(), 1);  // the cut-off attempt is not counted

    const Task waiting = *m_store->task(taskId(3));
    COMPARE_NAMES(waiting.state, TaskState::Scheduled);
    QCOMPARE(waiting.nextRunAtMs, std::optional<qint64>(50'000));
    QCOMPARE(waiting.updatedAtMs, 100);

    COMPARE_NAMES(m_store->task(taskId(4))->state, TaskState::Delivered);
    QCOMPARE(m_store->requeueInterrupted(10'000), 0);
    QCOMPARE(m_store->nextDueAtMs(), std::optional<qint64>(9'000));
}

void TestTaskStore::finishAttemptRecordsHistory()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);

    const Attempt first = attempt(1, AttemptStage::Collect, AttemptOutcome::Retry, 502,
                                  u"HTTP 502: bad gateway"_s, 1'400);
    QVERIFY(m_store->finishAttempt(taskId(1), first, TaskState::Retrying, 6'400));

    Task task = *m_store->task(taskId(1));
    COMPARE_NAMES(task.state, TaskState::Retrying);
    QCOMPARE(task.attemptsMade, 1);
    QCOMPARE(task.updatedAtMs, 1'400);
    QCOMPARE(task.nextRunAtMs, std::optional<qint64>(6'400));
    QCOMPARE(task.finishedAtMs, std::nullopt);
    QCOMPARE(task.lastError, u"HTTP 502: bad gateway"_s);

    QCOMPARE(m_store->claimDue(6'400, 1).size(), 1);
    const Attempt second = attempt(2, AttemptStage::Deliver, AttemptOutcome::Retry,
                                   std::nullopt, u"connection refused"_s, 6'900);
    QVERIFY(m_store->finishAttempt(taskId(1), second, TaskState::Retrying, 11'900));

    QCOMPARE(m_store->claimDue(11'900, 1).size(), 1);
    const Attempt third =
            attempt(3, AttemptStage::Deliver, AttemptOutcome::Succeeded, 204, {}, 12'000);
    QVERIFY(m_store->finishAttempt(taskId(1), third, TaskState::Delivered, std::nullopt));

    task = *m_store->task(taskId(1));
    COMPARE_NAMES(task.state, TaskState::Delivered);
    QCOMPARE(task.attemptsMade, 3);
    QCOMPARE(task.updatedAtMs, 12'000);
    QCOMPARE(task.nextRunAtMs, std::nullopt);
    QCOMPARE(task.finishedAtMs, std::optional<qint64>(12'000));
    QCOMPARE(task.lastError, QString());
    QCOMPARE(task.createdAtMs, 100);

    const std::optional<QList<Attempt>> attempts = m_store->attempts(taskId(1));
    QVERIFY(attempts);
    QCOMPARE(attempts->size(), 3);
    const QList<Attempt> expected { first, second, third };
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const Attempt &actual = attempts->at(i);
        QCOMPARE(actual.number, expected.at(i).number);
        QCOMPARE(actual.startedAtMs, expected.at(i).startedAtMs);
        QCOMPARE(actual.finishedAtMs, expected.at(i).finishedAtMs);
        COMPARE_NAMES(actual.stage, expected.at(i).stage);
        COMPARE_NAMES(actual.outcome, expected.at(i).outcome);
        QCOMPARE(actual.httpStatus, expected.at(i).httpStatus);
        QCOMPARE(actual.error, expected.at(i).error);
    }
}

void TestTaskStore::finishAttemptFailedKeepsTheError()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"gone"_s, 100, 1'000)));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    QVERIFY(m_store->finishAttempt(
            taskId(1),
            attempt(1, AttemptStage::Collect, AttemptOutcome::Failed, 404,
                    u"HTTP 404: Not Found"_s, 1'250),
            TaskState::Failed, std::nullopt));

    const Task task = *m_store->task(taskId(1));
    COMPARE_NAMES(task.state, TaskState::Failed);
    QCOMPARE(task.attemptsMade, 1);
    QCOMPARE(task.nextRunAtMs, std::nullopt);
    QCOMPARE(task.finishedAtMs, std::optional<qint64>(1'250));
    QCOMPARE(task.lastError, u"HTTP 404: Not Found"_s);
    QCOMPARE(m_store->countUnfinished(), std::optional<qint64>(0));

    const Attempt recorded = m_store->attempts(taskId(1))->at(0);
    COMPARE_NAMES(recorded.stage, AttemptStage::Collect);
    COMPARE_NAMES(recorded.outcome, AttemptOutcome::Failed);
    QCOMPARE(recorded.httpStatus, std::optional<int>(404));
}

void TestTaskStore::finishAttemptForUnknownTaskIsRefused()
{
    QVERIFY(!m_store->finishAttempt(
            taskId(42),
            attempt(1, AttemptStage::Collect, AttemptOutcome::Failed, 500, u"x"_s, 1'000),
            TaskState::Failed, std::nullopt));
    QCOMPARE(m_store->attempts(taskId(42))->size(), 0);

    // The same attempt number twice is refused, and the task is left as it was.
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));
    bringTo(taskId(1), TaskState::Retrying);
    QVERIFY(!m_store->finishAttempt(
            taskId(1),
            attempt(1, AttemptStage::Collect, AttemptOutcome::Failed, 500, u"again"_s, 1'900),
            TaskState::Failed, std::nullopt));
    const Task task = *m_store->task(taskId(1));
    COMPARE_NAMES(task.state, TaskState::Retrying);
    QCOMPARE(task.lastError, u"boom"_s);
    QCOMPARE(m_store->attempts(taskId(1))->size(), 1);
}

void TestTaskStore::reportRoundTrip()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s)));
    QCOMPARE(m_store->report(taskId(1)), std::nullopt);
    QCOMPARE(m_store->task(taskId(1))->hasReport, false);

    const QByteArray json = "{\"user\":\"octo\",\"repository\":\"repo\",\"issues\":[{\"title\":"
                            "\"caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x9a\x80\\n\",\"author\":null,"
                            "\"labels\":[]}],\"contributors\":[]}";
    QVERIFY(m_store->storeReport(taskId(1), json));
    QCOMPARE(m_store->report(taskId(1)), std::optional<QByteArray>(json));
    QCOMPARE(m_store->task(taskId(1))->hasReport, true);

    QCOMPARE(m_store->report(taskId(2)), std::nullopt);
}

void TestTaskStore::transactionCommits()
{
    QVERIFY(m_store->inTransaction([&] {
        return m_store->insertTask(newTask(1, u"octo"_s, u"a"_s))
                && m_store->insertTask(newTask(2, u"octo"_s, u"b"_s));
    }));
    QCOMPARE(m_store->countUnfinished(), std::optional<qint64>(2));
}

void TestTaskStore::transactionRollsBack()
{
    bool inserted = false;
    QVERIFY(!m_store->inTransaction([&] {
        inserted = m_store->insertTask(newTask(1, u"octo"_s, u"a"_s));
        return false;
    }));
    QVERIFY(inserted);
    QVERIFY(!m_store->task(taskId(1)));
    QCOMPARE(m_store->countUnfinished(), std::optional<qint64>(0));

    // A failing statement part-way through undoes the statements before it.
    QVERIFY(!m_store->inTransaction([&] {
        return m_store->insertTask(newTask(2, u"octo"_s, u"b"_s))
                && m_store->insertTask(newTask(3, u"OCTO"_s, u"B"_s));  // same repository
    }));
    QVERIFY(!m_store->task(taskId(2)));
    QVERIFY(!m_store->task(taskId(3)));

    // The store stays usable.
    QVERIFY(m_store->insertTask(newTask(4, u"octo"_s, u"b"_s)));
    QCOMPARE(m_store->countUnfinished(), std::optional<qint64>(1));
}

void TestTaskStore::nameCache()
{
    QCOMPARE(m_store->cachedName(u"octocat"_s, 0).has_value(), false);

    QVERIFY(m_store->storeName(u"Octocat"_s, u"The Octocat"_s, 1'000));
    auto cached = m_store->cachedName(u"OCTOCAT"_s, 1'000);  // fetched at the limit: fresh
    QVERIFY(cached);
    QCOMPARE(cached->login, u"Octocat"_s);
    QCOMPARE(cached->name, std::optional<QString>(u"The Octocat"_s));
    QVERIFY(!m_store->cachedName(u"octocat"_s, 1'001));  // fetched before the limit: stale

    // A user without a display name is cached too, as a null name.
    QVERIFY(m_store->storeName(u"hubot"_s, std::nullopt, 2'000));
    cached = m_store->cachedName(u"hubot"_s, 0);
    QVERIFY(cached);
    QCOMPARE(cached->login, u"hubot"_s);
    QCOMPARE(cached->name, std::nullopt);

    // Storing again replaces the entry, whatever the spelling of the login.
    QVERIFY(m_store->storeName(u"octocat"_s, u"Mona Lisa Octocat"_s, 3'000));
    cached = m_store->cachedName(u"Octocat"_s, 2'500);
    QVERIFY(cached);
    QCOMPARE(cached->login, u"octocat"_s);
    QCOMPARE(cached->name, std::optional<QString>(u"Mona Lisa Octocat"_s));

    QVERIFY(m_store->storeName(u"octocat"_s, std::nullopt, 4'000));
    cached = m_store->cachedName(u"octocat"_s, 4'000);
    QVERIFY(cached);
    QCOMPARE(cached->name, std::nullopt);

    RawConnection raw(databasePath());
    QCOMPARE(raw.column(u"SELECT login_key FROM user_names ORDER BY login_key"_s),
             (QStringList { u"hubot"_s, u"octocat"_s }));
}

void TestTaskStore::durableAcrossInstances()
{
    QVERIFY(m_store->insertTask(newTask(1, u"Octo"_s, u"Repo"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"octo"_s, u"later"_s, 200, 90'000)));
    QCOMPARE(m_store->claimDue(1'000, 10).size(), 1);
    QVERIFY(m_store->storeReport(taskId(1), "{\"user\":\"Octo\"}"));
    QVERIFY(m_store->finishAttempt(
            taskId(1),
            attempt(1, AttemptStage::Deliver, AttemptOutcome::Retry, 503, u"down"_s, 1'300),
            TaskState::Retrying, 6'300));
    QVERIFY(m_store->storeName(u"octo"_s, u"Octo Person"_s, 1'100));

    // A second store on the same file sees the writes at once.
    {
        TaskStore concurrent;
        QVERIFY2(concurrent.open(databasePath()), qPrintable(concurrent.lastError()));
        QCOMPARE(concurrent.countUnfinished(), std::optional<qint64>(2));
    }

    m_store.reset();
    openStore();

    const Task task = *m_store->task(taskId(1));
    QCOMPARE(task.owner, u"Octo"_s);
    COMPARE_NAMES(task.state, TaskState::Retrying);
    QCOMPARE(task.attemptsMade, 1);
    QCOMPARE(task.nextRunAtMs, std::optional<qint64>(6'300));
    QCOMPARE(task.lastError, u"down"_s);
    QCOMPARE(task.hasReport, true);
    QCOMPARE(m_store->report(taskId(1)), std::optional<QByteArray>("{\"user\":\"Octo\"}"));

    const auto attempts = m_store->attempts(taskId(1));
    QVERIFY(attempts);
    QCOMPARE(attempts->size(), 1);
    QCOMPARE(attempts->at(0).httpStatus, std::optional<int>(503));
    QCOMPARE(attempts->at(0).error, u"down"_s);

    COMPARE_NAMES(m_store->task(taskId(2))->state, TaskState::Scheduled);
    QCOMPARE(m_store->findUnfinished(u"OCTO"_s, u"REPO"_s)->id, taskId(1));
    QCOMPARE(m_store->listTasks(std::nullopt, 10, 0)->total, 2);
    QCOMPARE(m_store->nextDueAtMs(), std::optional<qint64>(6'300));
    QCOMPARE(m_store->cachedName(u"octo"_s, 1'100)->name, std::optional<QString>(u"Octo Person"_s));
    // The partial unique index survives too.
    QVERIFY(!m_store->insertTask(newTask(3, u"octo"_s, u"repo"_s)));
}

void TestTaskStore::finishAttemptAppliesOnlyWhileRunning()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    bool notRunning = true;
    QVERIFY(m_store->finishAttempt(
            taskId(1), attempt(1, AttemptStage::Deliver, AttemptOutcome::Retry, 500, u"x"_s, 1'100),
            TaskState::Retrying, 1'200, &notRunning));
    QVERIFY(!notRunning);

    // The task is no longer running: a second outcome for it is refused and changes nothing,
    // and the caller can tell that from a database failure.
    QVERIFY(!m_store->finishAttempt(
            taskId(1),
            attempt(2, AttemptStage::Deliver, AttemptOutcome::Succeeded, 204, {}, 1'500),
            TaskState::Delivered, std::nullopt, &notRunning));
    QVERIFY(notRunning);
    QVERIFY(m_store->lastError().contains(u"not running"_s));
    const Task task = *m_store->task(taskId(1));
    COMPARE_NAMES(task.state, TaskState::Retrying);
    QCOMPARE(task.attemptsMade, 1);
    QCOMPARE(m_store->attempts(taskId(1))->size(), 1);

    // Nor can a task that was cancelled, or is merely scheduled, take an outcome.
    QVERIFY(m_store->insertTask(newTask(2, u"octo"_s, u"other"_s, 100, 90'000)));
    QVERIFY(!m_store->finishAttempt(
            taskId(2), attempt(1, AttemptStage::Collect, AttemptOutcome::Retry, 502, u"x"_s, 1'600),
            TaskState::Retrying, 2'000, &notRunning));
    QVERIFY(notRunning);
    COMPARE_NAMES(m_store->task(taskId(2))->state, TaskState::Scheduled);
    QCOMPARE(m_store->cancelTask(taskId(2), 1'700), std::optional<int>(1));
    QVERIFY(!m_store->finishAttempt(
            taskId(2), attempt(1, AttemptStage::Collect, AttemptOutcome::Retry, 502, u"x"_s, 1'800),
            TaskState::Retrying, 2'000));
    COMPARE_NAMES(m_store->task(taskId(2))->state, TaskState::Cancelled);
    QCOMPARE(m_store->attempts(taskId(2))->size(), 0);
}

void TestTaskStore::failuresAreCountedPerStage()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));

    const QList<std::pair<AttemptStage, AttemptOutcome>> history {
        { AttemptStage::Collect, AttemptOutcome::Retry },
        { AttemptStage::Collect, AttemptOutcome::Retry },
        { AttemptStage::Deliver, AttemptOutcome::Retry },
    };
    qint64 now = 1'000;
    for (int i = 0; i < history.size(); ++i) {
        QCOMPARE(m_store->claimDue(now, 1).size(), 1);
        QVERIFY(m_store->finishAttempt(taskId(1),
                                       attempt(i + 1, history.at(i).first, history.at(i).second,
                                               502, u"boom"_s, now + 10),
                                       TaskState::Retrying, now + 100));
        now += 100;
    }
    Task task = *m_store->task(taskId(1));
    QCOMPARE(task.collectFailures, 2);
    QCOMPARE(task.deliveryFailures, 1);
    QCOMPARE(task.attemptsMade, 3);

    // A success counts as no failure.
    QCOMPARE(m_store->claimDue(now, 1).size(), 1);
    QVERIFY(m_store->finishAttempt(
            taskId(1), attempt(4, AttemptStage::Deliver, AttemptOutcome::Succeeded, 200, {}, now),
            TaskState::Delivered, std::nullopt));
    task = *m_store->task(taskId(1));
    QCOMPARE(task.collectFailures, 2);
    QCOMPARE(task.deliveryFailures, 1);
}

void TestTaskStore::attemptKeepsTheResponseBody()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    Attempt failed = attempt(1, AttemptStage::Deliver, AttemptOutcome::Retry, 503,
                             u"webhook: HTTP 503"_s, 1'200);
    failed.responseBody = u"{\"error\":\"maintenance ☕\"}"_s;
    QVERIFY(m_store->finishAttempt(taskId(1), failed, TaskState::Retrying, 2'000));

    QCOMPARE(m_store->claimDue(2'000, 1).size(), 1);
    QVERIFY(m_store->finishAttempt(
            taskId(1), attempt(2, AttemptStage::Deliver, AttemptOutcome::Succeeded, 204, {}, 2'100),
            TaskState::Delivered, std::nullopt));

    const QList<Attempt> attempts = *m_store->attempts(taskId(1));
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts.at(0).responseBody, u"{\"error\":\"maintenance ☕\"}"_s);
    QCOMPARE(attempts.at(1).responseBody, QString());  // an empty answer is stored as NULL

    RawConnection raw(databasePath());
    QCOMPARE(raw.column(u"SELECT COALESCE(response_body, 'NULL') FROM task_attempts"
                        " ORDER BY number"_s),
             (QStringList { u"{\"error\":\"maintenance ☕\"}"_s, u"NULL"_s }));
}

void TestTaskStore::deliveredTaskDropsItsReport()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    QVERIFY(m_store->storeReport(taskId(1), "{\"user\":\"octo\"}"));
    QVERIFY(m_store->finishAttempt(
            taskId(1), attempt(1, AttemptStage::Deliver, AttemptOutcome::Retry, 500, u"x"_s, 1'100),
            TaskState::Retrying, 1'200));
    QCOMPARE(m_store->task(taskId(1))->hasReport, true);  // kept for the retry

    QCOMPARE(m_store->claimDue(1'200, 1).size(), 1);
    QVERIFY(m_store->finishAttempt(
            taskId(1), attempt(2, AttemptStage::Deliver, AttemptOutcome::Succeeded, 204, {}, 1'300),
            TaskState::Delivered, std::nullopt));
    QCOMPARE(m_store->task(taskId(1))->hasReport, false);
    QCOMPARE(m_store->report(taskId(1)), std::nullopt);
}

void TestTaskStore::largeReportRoundTrip()
{
    // Several megabytes, non-ASCII included, come back byte for byte.
    QByteArray json = "{\"issues\":[";
    for (int i = 0; i < 60'000; ++i)
        json += "{\"title\":\"Issue " + QByteArray::number(i) + " caf\xc3\xa9 \xe2\x98\x95\"},";
    json += "{}]}";
    QVERIFY(json.size() > 2'000'000);

    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s)));
    QVERIFY(m_store->storeReport(taskId(1), json));
    QCOMPARE(m_store->report(taskId(1)), std::optional<QByteArray>(json));

    m_store.reset();
    openStore();
    QCOMPARE(m_store->report(taskId(1)), std::optional<QByteArray>(json));
}

void TestTaskStore::retryResetsTheRetryBudgets()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    QVERIFY(m_store->storeReport(taskId(1), "{\"user\":\"octo\"}"));
    QVERIFY(m_store->finishAttempt(
            taskId(1),
            attempt(1, AttemptStage::Deliver, AttemptOutcome::Failed, 500, u"down"_s, 1'100),
            TaskState::Failed, std::nullopt));
    QCOMPARE(m_store->task(taskId(1))->deliveryFailures, 1);

    QCOMPARE(m_store->retryFailedTask(taskId(1), 5'000), std::optional<int>(1));
    const Task task = *m_store->task(taskId(1));
    COMPARE_NAMES(task.state, TaskState::Retrying);
    QCOMPARE(task.attemptsMade, 1);     // the history stays
    QCOMPARE(task.collectFailures, 0);  // the budgets are fresh
    QCOMPARE(task.deliveryFailures, 0);
    QCOMPARE(task.hasReport, true);     // only the delivery is redone
    QCOMPARE(task.lastError, u"down"_s);

    // The next attempt is number 2, and delivers the stored report.
    QCOMPARE(idsOf(m_store->claimDue(5'000, 1)), QStringList { taskId(1) });
    QCOMPARE(m_store->report(taskId(1)), std::optional<QByteArray>("{\"user\":\"octo\"}"));
    QVERIFY(m_store->finishAttempt(
            taskId(1), attempt(2, AttemptStage::Deliver, AttemptOutcome::Succeeded, 204, {}, 5'100),
            TaskState::Delivered, std::nullopt));
    QCOMPARE(m_store->attempts(taskId(1))->size(), 2);
}

namespace {

// Counts by state name, so that a failure shows them.
QMap<QString, qint64> named(const QHash<TaskState, qint64> &counts)
{
    QMap<QString, qint64> result;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        result.insert(hookme::toString(it.key()), it.value());
    return result;
}

} // namespace

void TestTaskStore::countByState()
{
    QCOMPARE(named(*m_store->countByState()), (QMap<QString, qint64> {}));

    QVERIFY(m_store->insertTask(newTask(1, u"o"_s, u"a"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"o"_s, u"b"_s, 100, 2'000)));
    QVERIFY(m_store->insertTask(newTask(3, u"o"_s, u"c"_s, 100, 3'000)));
    QVERIFY(m_store->insertTask(newTask(4, u"o"_s, u"d"_s, 100, 4'000)));
    bringTo(taskId(1), TaskState::Delivered);
    bringTo(taskId(2), TaskState::Failed);
    bringTo(taskId(3), TaskState::Running);

    QCOMPARE(named(*m_store->countByState()),
             (QMap<QString, qint64> { { u"delivered"_s, 1 }, { u"failed"_s, 1 },
                                      { u"running"_s, 1 }, { u"scheduled"_s, 1 } }));
}

void TestTaskStore::activityPerMinute()
{
    // Minute 5 is before the window; minutes 10, 11 and 12 are in it.
    QVERIFY(m_store->insertTask(newTask(1, u"o"_s, u"old"_s, 300'000, 300'500)));
    QVERIFY(m_store->insertTask(newTask(2, u"o"_s, u"a"_s, 600'005, 660'000)));
    QVERIFY(m_store->insertTask(newTask(3, u"o"_s, u"b"_s, 659'999, 720'000)));
    QVERIFY(m_store->insertTask(newTask(4, u"o"_s, u"c"_s, 660'000, 900'000)));
    bringTo(taskId(1), TaskState::Delivered);  // at 300'510
    bringTo(taskId(2), TaskState::Delivered);  // at 660'010
    bringTo(taskId(3), TaskState::Failed);     // at 720'010

    const std::optional<hookme::ActivityCounts> counts = m_store->activityPerMinute(600'000);
    QVERIFY(counts);
    QCOMPARE(counts->created, (QMap<qint64, qint64> { { 600'000, 2 }, { 660'000, 1 } }));
    QCOMPARE(counts->delivered, (QMap<qint64, qint64> { { 660'000, 1 } }));
    QCOMPARE(counts->failed, (QMap<qint64, qint64> { { 720'000, 1 } }));
}

void TestTaskStore::unfinishedTasksRunningFirstThenSoonestDue()
{
    QVERIFY(m_store->insertTask(newTask(1, u"o"_s, u"a"_s, 100, 5'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"o"_s, u"b"_s, 100, 3'000)));
    QVERIFY(m_store->insertTask(newTask(3, u"o"_s, u"c"_s, 100, 2'000)));
    QVERIFY(m_store->insertTask(newTask(4, u"o"_s, u"d"_s, 100, 1'000)));
    bringTo(taskId(4), TaskState::Delivered);
    bringTo(taskId(3), TaskState::Running);

    QCOMPARE(idsOf(*m_store->unfinishedTasks(10)),
             (QStringList { taskId(3), taskId(2), taskId(1) }));
    QCOMPARE(idsOf(*m_store->unfinishedTasks(2)), (QStringList { taskId(3), taskId(2) }));
}

void TestTaskStore::recentlyFinishedTasksNewestFirst()
{
    QVERIFY(m_store->insertTask(newTask(1, u"o"_s, u"a"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"o"_s, u"b"_s, 100, 2'000)));
    QVERIFY(m_store->insertTask(newTask(3, u"o"_s, u"c"_s, 100, 3'000)));
    QVERIFY(m_store->insertTask(newTask(4, u"o"_s, u"d"_s, 100, 4'000)));
    bringTo(taskId(1), TaskState::Delivered);  // finished at 1'010
    bringTo(taskId(2), TaskState::Failed);     // at 2'010
    QCOMPARE(m_store->cancelTask(taskId(3), 2'500), std::optional<int>(1));

    QCOMPARE(idsOf(*m_store->recentlyFinishedTasks(10)),
             (QStringList { taskId(3), taskId(2), taskId(1) }));
    QCOMPARE(idsOf(*m_store->recentlyFinishedTasks(2)), (QStringList { taskId(3), taskId(2) }));
}

void TestTaskStore::cancelTaskOnlyWhenScheduledOrRetrying()
{
    QVERIFY(m_store->insertTask(newTask(1, u"o"_s, u"a"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"o"_s, u"b"_s, 100, 2'000)));
    QVERIFY(m_store->insertTask(newTask(3, u"o"_s, u"c"_s, 100, 2'200)));
    bringTo(taskId(1), TaskState::Retrying);  // due again at 1'500
    bringTo(taskId(1), TaskState::Delivered);
    bringTo(taskId(2), TaskState::Retrying);
    bringTo(taskId(3), TaskState::Running);

    QCOMPARE(m_store->cancelTask(taskId(2), 9'000), std::optional<int>(1));
    const Task cancelled = *m_store->task(taskId(2));
    COMPARE_NAMES(cancelled.state, TaskState::Cancelled);
    QCOMPARE(cancelled.finishedAtMs, std::optional<qint64>(9'000));
    QCOMPARE(cancelled.updatedAtMs, 9'000);
    QCOMPARE(cancelled.nextRunAtMs, std::nullopt);
    QCOMPARE(cancelled.attemptsMade, 1);

    QCOMPARE(m_store->cancelTask(taskId(2), 9'100), std::optional<int>(0));  // cancelled
    QCOMPARE(m_store->cancelTask(taskId(1), 9'100), std::optional<int>(0));  // delivered
    QCOMPARE(m_store->cancelTask(taskId(3), 9'100), std::optional<int>(0));  // running
    QCOMPARE(m_store->cancelTask(taskId(99), 9'100), std::optional<int>(0));
    COMPARE_NAMES(m_store->task(taskId(3))->state, TaskState::Running);
    QCOMPARE(m_store->nextDueAtMs(), std::nullopt);

    // A cancelled task no longer holds its repository.
    QVERIFY(m_store->insertTask(newTask(4, u"O"_s, u"B"_s)));
}

void TestTaskStore::retryFailedTaskOnlyWhenFailed()
{
    QVERIFY(m_store->insertTask(newTask(1, u"o"_s, u"a"_s, 100, 1'000)));
    QVERIFY(m_store->insertTask(newTask(2, u"o"_s, u"b"_s, 100, 6'000)));
    bringTo(taskId(1), TaskState::Failed);

    QCOMPARE(m_store->retryFailedTask(taskId(2), 5'000), std::optional<int>(0));  // scheduled
    QCOMPARE(m_store->retryFailedTask(taskId(99), 5'000), std::optional<int>(0));
    QCOMPARE(m_store->retryFailedTask(taskId(1), 5'000), std::optional<int>(1));

    const Task retried = *m_store->task(taskId(1));
    COMPARE_NAMES(retried.state, TaskState::Retrying);
    QCOMPARE(retried.nextRunAtMs, std::optional<qint64>(5'000));
    QCOMPARE(retried.updatedAtMs, 5'000);
    QCOMPARE(retried.finishedAtMs, std::nullopt);
    QCOMPARE(retried.attemptsMade, 1);
    QCOMPARE(retried.lastError, u"boom"_s);
    QCOMPARE(m_store->retryFailedTask(taskId(1), 5'100), std::optional<int>(0));
    QCOMPARE(idsOf(m_store->claimDue(5'000, 1)), QStringList { taskId(1) });
}

void TestTaskStore::retryFailedTaskRefusedWhileTheRepositoryIsBusy()
{
    QVERIFY(m_store->insertTask(newTask(1, u"octo"_s, u"repo"_s, 100, 1'000)));
    bringTo(taskId(1), TaskState::Failed);
    QVERIFY(m_store->insertTask(newTask(2, u"OCTO"_s, u"Repo"_s, 2'000, 3'000)));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"statement failed: UPDATE tasks"_s));
    QCOMPARE(m_store->retryFailedTask(taskId(1), 5'000), std::nullopt);
    COMPARE_NAMES(m_store->task(taskId(1))->state, TaskState::Failed);
}

QTEST_GUILESS_MAIN(TestTaskStore)
#include "tst_taskstore.moc"
