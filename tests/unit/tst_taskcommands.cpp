// Specification of the operator's commands (service/taskcommands.h) on a real SQLite store in
// a temporary directory: which states each command accepts, the errors it answers in the
// HTTP API's shape, and the change it announces.
#include "taskcommands.h"
#include "taskstore.h"
#include "testprinters.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using hookme::Attempt;
using hookme::AttemptOutcome;
using hookme::AttemptStage;
using hookme::CommandOutcome;
using hookme::NewTask;
using hookme::Task;
using hookme::TaskCommands;
using hookme::TaskState;
using hookme::TaskStore;

Q_DECLARE_METATYPE(hookme::Task)

namespace {

QString taskId(int number)
{
    return u"00000000-0000-4000-8000-%1"_s.arg(number, 12, 10, QChar(u'0'));
}

} // namespace

class TestTaskCommands : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void cancelAScheduledTask();
    void cancelARetryingTask();
    void cancelRefusesARunningTask();
    void cancelRefusesAFinishedTask_data();
    void cancelRefusesAFinishedTask();
    void unknownTaskIsNotFound();
    void retryAFailedTask();
    void retryRefusesAnUnfailedTask_data();
    void retryRefusesAnUnfailedTask();
    void retryRefusesWhileTheRepositoryIsBusy();
    void errorsHaveTheHttpApiShape();

private:
    // A task due at 1'000, brought to `state` by a claim and, unless Running, one attempt.
    void addTask(int number, const QString &owner, const QString &repository, TaskState state);

    std::unique_ptr<QTemporaryDir> m_directory;
    std::unique_ptr<TaskStore> m_store;
    std::unique_ptr<TaskCommands> m_commands;
};

void TestTaskCommands::initTestCase()
{
    QLoggingCategory::setFilterRules(u"hookme.store.info=false\nhookme.commands.info=false"_s);
}

void TestTaskCommands::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
    m_store = std::make_unique<TaskStore>();
    QVERIFY2(m_store->open(m_directory->filePath(u"hookme.db"_s)),
             qPrintable(m_store->lastError()));
    m_commands = std::make_unique<TaskCommands>(m_store.get());
}

void TestTaskCommands::cleanup()
{
    m_commands.reset();
    m_store.reset();
    m_directory.reset();
}

void TestTaskCommands::addTask(int number, const QString &owner, const QString &repository,
                               TaskState state)
{
    QVERIFY(m_store->insertTask(NewTask { taskId(number), owner, repository, 500, 1'000 }));
    if (state == TaskState::Scheduled)
        return;
    QCOMPARE(m_store->claimDue(1'000, 1).size(), 1);
    if (state == TaskState::Running)
        return;

    Attempt attempt;
    attempt.number = 1;
    attempt.startedAtMs = 1'000;
    attempt.finishedAtMs = 1'100;
    attempt.stage = AttemptStage::Deliver;
    attempt.outcome = state == TaskState::Delivered ? AttemptOutcome::Succeeded
            : state == TaskState::Retrying          ? AttemptOutcome::Retry
                                                    : AttemptOutcome::Failed;
    if (state != TaskState::Delivered)
        attempt.error = u"webhook: HTTP 500"_s;
    const std::optional<qint64> next =
            state == TaskState::Retrying ? std::optional<qint64>(6'100) : std::nullopt;
    if (state == TaskState::Cancelled) {
        // Cancelled is reached from Retrying.
        QVERIFY(m_store->finishAttempt(taskId(number), attempt, TaskState::Retrying, 6'100));
        QCOMPARE(m_store->cancelTask(taskId(number), 1'200), std::optional<int>(1));
        return;
    }
    QVERIFY(m_store->finishAttempt(taskId(number), attempt, state, next));
}

void TestTaskCommands::cancelAScheduledTask()
{
    addTask(1, u"octo-org"_s, u"hello-world"_s, TaskState::Scheduled);
    QSignalSpy changed(m_commands.get(), &TaskCommands::taskChanged);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const CommandOutcome outcome = m_commands->cancel(taskId(1));
    QVERIFY(outcome.ok());
    COMPARE_NAMES(outcome.task->state, TaskState::Cancelled);
    QVERIFY(*outcome.task->finishedAtMs >= before);
    QCOMPARE(outcome.task->nextRunAtMs, std::nullopt);

    QCOMPARE(changed.size(), 1);
    const Task announced = changed.at(0).at(0).value<Task>();
    QCOMPARE(announced.id, taskId(1));
    COMPARE_NAMES(announced.state, TaskState::Cancelled);
    COMPARE_NAMES(m_store->task(taskId(1))->state, TaskState::Cancelled);
}

void TestTaskCommands::cancelARetryingTask()
{
    addTask(1, u"octo-org"_s, u"hello-world"_s, TaskState::Retrying);
    const CommandOutcome outcome = m_commands->cancel(taskId(1));
    QVERIFY(outcome.ok());
    COMPARE_NAMES(outcome.task->state, TaskState::Cancelled);
    QCOMPARE(outcome.task->attemptsMade, 1);
    QCOMPARE(m_store->nextDueAtMs(), std::nullopt);
}

void TestTaskCommands::cancelRefusesARunningTask()
{
    addTask(1, u"octo-org"_s, u"hello-world"_s, TaskState::Running);
    QSignalSpy changed(m_commands.get(), &TaskCommands::taskChanged);

    const CommandOutcome outcome = m_commands->cancel(taskId(1));
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error.status, 409);
    QCOMPARE(outcome.error.code, u"task_running"_s);
    QCOMPARE(outcome.error.message,
             u"task %1 is running an attempt; cancel it once the attempt has ended"_s.arg(
                     taskId(1)));
    QCOMPARE(changed.size(), 0);
    COMPARE_NAMES(m_store->task(taskId(1))->state, TaskState::Running);
}

void TestTaskCommands::cancelRefusesAFinishedTask_data()
{
    QTest::addColumn<TaskState>("state");
    QTest::addColumn<QString>("name");
    QTest::newRow("delivered") << TaskState::Delivered << u"delivered"_s;
    QTest::newRow("failed") << TaskState::Failed << u"failed"_s;
    QTest::newRow("cancelled") << TaskState::Cancelled << u"cancelled"_s;
}

void TestTaskCommands::cancelRefusesAFinishedTask()
{
    QFETCH(TaskState, state);
    QFETCH(QString, name);
    addTask(1, u"octo-org"_s, u"hello-world"_s, state);

    const CommandOutcome outcome = m_commands->cancel(taskId(1));
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error.status, 409);
    QCOMPARE(outcome.error.code, u"task_finished"_s);
    QCOMPARE(outcome.error.message, u"task %1 is %2 already"_s.arg(taskId(1), name));
    COMPARE_NAMES(m_store->task(taskId(1))->state, state);
}

void TestTaskCommands::unknownTaskIsNotFound()
{
    for (const CommandOutcome &outcome : { m_commands->cancel(u"nope"_s),
                                           m_commands->retry(u"nope"_s) }) {
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.error.status, 404);
        QCOMPARE(outcome.error.code, u"not_found"_s);
        QCOMPARE(outcome.error.message, u"no task with id \"nope\""_s);
    }
}

void TestTaskCommands::retryAFailedTask()
{
    addTask(1, u"octo-org"_s, u"hello-world"_s, TaskState::Failed);
    QSignalSpy changed(m_commands.get(), &TaskCommands::taskChanged);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const CommandOutcome outcome = m_commands->retry(taskId(1));
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(outcome.ok());
    COMPARE_NAMES(outcome.task->state, TaskState::Retrying);
    QVERIFY(*outcome.task->nextRunAtMs >= before && *outcome.task->nextRunAtMs <= after);
    QCOMPARE(outcome.task->finishedAtMs, std::nullopt);
    QCOMPARE(outcome.task->attemptsMade, 1);  // the next attempt is number 2
    QCOMPARE(changed.size(), 1);

    // Due at once.
    QCOMPARE(m_store->claimDue(after, 10).size(), 1);
}

void TestTaskCommands::retryRefusesAnUnfailedTask_data()
{
    QTest::addColumn<TaskState>("state");
    QTest::addColumn<QString>("name");
    QTest::newRow("scheduled") << TaskState::Scheduled << u"scheduled"_s;
    QTest::newRow("running") << TaskState::Running << u"running"_s;
    QTest::newRow("retrying") << TaskState::Retrying << u"retrying"_s;
    QTest::newRow("delivered") << TaskState::Delivered << u"delivered"_s;
    QTest::newRow("cancelled") << TaskState::Cancelled << u"cancelled"_s;
}

void TestTaskCommands::retryRefusesAnUnfailedTask()
{
    QFETCH(TaskState, state);
    QFETCH(QString, name);
    addTask(1, u"octo-org"_s, u"hello-world"_s, state);
    QSignalSpy changed(m_commands.get(), &TaskCommands::taskChanged);

    const CommandOutcome outcome = m_commands->retry(taskId(1));
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error.status, 409);
    QCOMPARE(outcome.error.code, u"task_not_failed"_s);
    QCOMPARE(outcome.error.message,
             u"task %1 is %2; only a failed task can be retried"_s.arg(taskId(1), name));
    QCOMPARE(changed.size(), 0);
    COMPARE_NAMES(m_store->task(taskId(1))->state, state);
}

void TestTaskCommands::retryRefusesWhileTheRepositoryIsBusy()
{
    addTask(1, u"octo-org"_s, u"hello-world"_s, TaskState::Failed);
    QVERIFY(m_store->insertTask(
            NewTask { taskId(2), u"Octo-Org"_s, u"HELLO-WORLD"_s, 2'000, 90'000 }));

    const CommandOutcome outcome = m_commands->retry(taskId(1));
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error.status, 409);
    QCOMPARE(outcome.error.code, u"repository_busy"_s);
    QCOMPARE(outcome.error.message,
             u"task %1 is scheduled for Octo-Org/HELLO-WORLD; a repository has one unfinished"
             " task at a time"_s.arg(taskId(2)));
    COMPARE_NAMES(m_store->task(taskId(1))->state, TaskState::Failed);

    // Once the other task is gone, the retry goes through.
    QVERIFY(m_commands->cancel(taskId(2)).ok());
    QVERIFY(m_commands->retry(taskId(1)).ok());
}

void TestTaskCommands::errorsHaveTheHttpApiShape()
{
    addTask(1, u"octo-org"_s, u"hello-world"_s, TaskState::Running);
    const CommandOutcome outcome = m_commands->cancel(taskId(1));
    QCOMPARE(outcome.error.toJson(),
             R"({"error":{"code":"task_running","message":"task )" + taskId(1).toUtf8()
                     + R"( is running an attempt; cancel it once the attempt has ended",)"
                       R"("status":409}})");
    QCOMPARE(outcome.error.toResponse().statusCode(),
             QHttpServerResponse::StatusCode::Conflict);
}

QTEST_GUILESS_MAIN(TestTaskCommands)
#include "tst_taskcommands.moc"
