// Specification of hookme-monitor (monitor/): its session, models and window against the
// real hookme binary on a temporary socket, with a fake GitHub and a webhook receiver on
// loopback. Runs under QT_QPA_PLATFORM=offscreen.
#include "activitylog.h"
#include "attemptmodel.h"
#include "counterspanel.h"
#include "fakegithub.h"
#include "foldedrequestmodel.h"
#include "hookmeprocess.h"
#include "monitorsession.h"
#include "monitorwindow.h"
#include "taskdetailpane.h"
#include "taskfilterproxymodel.h"
#include "tasktablemodel.h"
#include "testprinters.h"
#include "throttledrequestmodel.h"
#include "webhookreceiver.h"

#include <QApplication>
#include <QHeaderView>
#include <QImage>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <numeric>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;
using namespace hookme::monitorapp;
using hookme::TaskState;
using State = MonitorConnection::State;

namespace {

// The text a model shows in one cell.
QString cell(const QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

int total(const QList<int> &counts)
{
    return std::accumulate(counts.cbegin(), counts.cend(), 0);
}

// The confirmation dialog a Retry or Cancel button opened, once it is there.
QMessageBox *confirmation()
{
    return qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
}

} // namespace

class TestMonitorApp : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void rowsAppearForAcceptedDeduplicatedAndThrottled();
    void tablesFilterAndSort();
    void finishedTasksAttemptsAndTheChart();
    void survivesARestartOfTheService();
    void refusedCommandsAreAnswered();
    void windowShowsTheSession();
    void retryWithConfirmation();
    void cancelWithConfirmation();
    void windowKeepsItsLayout();
    void binaryRefusesABadSocketName();
    void binaryRendersAScreenshot();

private:
    QMap<QString, QString> settings(const QMap<QString, QString> &overrides = {}) const;
    std::unique_ptr<MonitorSession> connectedSession();

    std::unique_ptr<QTemporaryDir> m_directory;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<WebhookReceiver> m_receiver;
    QString m_socket;
};

void TestMonitorApp::initTestCase()
{
    QLoggingCategory::setFilterRules(u"hookme.monitorapp.info=false"_s);
}

void TestMonitorApp::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
    // The window's saved layout goes here, not to the user's settings.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_directory->filePath(u"config"_s));
    m_github = std::make_unique<FakeGitHub>();
    QVERIFY(m_github->listen());
    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"hello-world"_s;
    repository.issues = { FakeGitHub::makeIssue(1, u"Crash"_s, u"octocat"_s) };
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 3) };
    m_github->addRepository(repository);
    m_github->addUser(u"octocat"_s, u"The Octocat"_s);
    m_receiver = std::make_unique<WebhookReceiver>();
    QVERIFY(m_receiver->listen());
    m_socket = m_directory->filePath(u"monitor.sock"_s);
}

void TestMonitorApp::cleanup()
{
    m_receiver.reset();
    m_github.reset();
    m_directory.reset();
}

QMap<QString, QString> TestMonitorApp::settings(const QMap<QString, QString> &overrides) const
{
    QMap<QString, QString> values {
        { u"API_URL"_s, m_github->baseUrl().toString() },
        { u"WEBHOOK_URL"_s, m_receiver->url().toString() },
        { u"SCHEDULE_INTERVAL"_s, u"600000"_s },
        { u"RESCHEDULE_INTERVAL"_s, u"100"_s },
        { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, u"2"_s },
        { u"MONITOR_SOCKET"_s, m_socket },
    };
    values.insert(overrides);
    return values;
}

std::unique_ptr<MonitorSession> TestMonitorApp::connectedSession()
{
    auto session = std::make_unique<MonitorSession>(m_socket);
    session->connection()->setRetryDelays(100, 800);
    session->start();
    return session;
}

void TestMonitorApp::rowsAppearForAcceptedDeduplicatedAndThrottled()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s), settings());
    QVERIFY(hookme.start());
    const auto session = connectedSession();
    QTRY_COMPARE(session->connection()->state(), State::Connected);
    QCOMPARE(session->tasks()->rowCount(), 0);

    const HttpAnswer accepted = hookme.submit(u"octo-org"_s, u"hello-world"_s);
    QCOMPARE(accepted.status, 202);
    const QString id = accepted.json().value("id"_L1).toString();
    QCOMPARE(hookme.submit(u"Octo-Org"_s, u"HELLO-WORLD"_s).status, 200);
    QCOMPARE(hookme.submit(u"octo-org"_s, u"second"_s).status, 202);
    const HttpAnswer throttled = hookme.submit(u"octo-org"_s, u"third"_s);
    QCOMPARE(throttled.status, 429);

    // Accepted: a row per task, counting down to its first run.
    QTRY_COMPARE(session->tasks()->rowCount(), 2);
    const TaskTableModel *tasks = session->tasks();
    const int row = tasks->rowOf(id);
    QVERIFY(row >= 0);
    const TaskInfo task = tasks->taskAt(row);
    session->setClock([at = task.createdAtMs] { return at; });
    QCOMPARE(cell(tasks, row, TaskTableModel::Repository), u"octo-org/hello-world"_s);
    QCOMPARE(cell(tasks, row, TaskTableModel::State), u"scheduled"_s);
    QCOMPARE(cell(tasks, row, TaskTableModel::NextRun), u"in 10 min 00 s"_s);
    QCOMPARE(cell(tasks, row, TaskTableModel::Attempt), u"attempt 1 of 4"_s);
    QCOMPARE(cell(tasks, row, TaskTableModel::Id), id);
    QCOMPARE(cell(tasks, row, TaskTableModel::Reason), QString());
    session->setClock([at = task.createdAtMs + 599'001] { return at; });
    QCOMPARE(cell(tasks, row, TaskTableModel::NextRun), u"in 1 s"_s);

    // Deduplicated: the request as sent, the task it went to, and the count per task.
    QTRY_COMPARE(session->folded()->rowCount(), 1);
    const FoldedRequestModel *folded = session->folded();
    QCOMPARE(cell(folded, 0, FoldedRequestModel::Request), u"Octo-Org/HELLO-WORLD"_s);
    QCOMPARE(cell(folded, 0, FoldedRequestModel::FoldedInto), u"octo-org/hello-world"_s);
    QCOMPARE(cell(folded, 0, FoldedRequestModel::StateThen), u"scheduled"_s);
    QCOMPARE(cell(folded, 0, FoldedRequestModel::Folded), u"1"_s);
    QCOMPARE(cell(folded, 0, FoldedRequestModel::TaskId), id);

    // Throttled: the refused request, the cap and what the client was told.
    QTRY_COMPARE(session->throttled()->rowCount(), 1);
    const ThrottledRequestModel *refused = session->throttled();
    QCOMPARE(cell(refused, 0, ThrottledRequestModel::Request), u"octo-org/third"_s);
    QCOMPARE(cell(refused, 0, ThrottledRequestModel::Cap), u"2 unfinished tasks"_s);
    QCOMPARE(cell(refused, 0, ThrottledRequestModel::RetryAfter),
             QString::fromLatin1(throttled.header("Retry-After")) + u" s"_s);

    QTRY_COMPARE(session->counters(), (Counters { 2, 1, 1, 0, 0, 0 }));
    QCOMPARE(total(session->history().accepted), 2);
    QCOMPARE(total(session->history().throttled), 1);
}

void TestMonitorApp::tablesFilterAndSort()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s),
                         settings({ { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, u"-1"_s } }));
    QVERIFY(hookme.start());
    const auto session = connectedSession();
    QTRY_COMPARE(session->connection()->state(), State::Connected);
    for (const QString &name : { u"zeta"_s, u"alpha"_s, u"mid"_s })
        QCOMPARE(hookme.submit(u"octo-org"_s, name).status, 202);
    QTRY_COMPARE(session->tasks()->rowCount(), 3);

    TaskFilterProxyModel active(TaskFilterProxyModel::Shows::Active);
    active.setSourceModel(session->tasks());
    TaskFilterProxyModel finished(TaskFilterProxyModel::Shows::Finished);
    finished.setSourceModel(session->tasks());
    QCOMPARE(active.rowCount(), 3);
    QCOMPARE(finished.rowCount(), 0);

    active.sort(TaskTableModel::Repository, Qt::AscendingOrder);
    QCOMPARE((QStringList { cell(&active, 0, 0), cell(&active, 1, 0), cell(&active, 2, 0) }),
             (QStringList { u"octo-org/alpha"_s, u"octo-org/mid"_s, u"octo-org/zeta"_s }));
    // Times sort as times: the first accepted first.
    active.sort(TaskTableModel::Created, Qt::AscendingOrder);
    QCOMPARE(cell(&active, 0, 0), u"octo-org/zeta"_s);

    active.setFilterFixedString(u"ALP"_s);
    QCOMPARE(active.rowCount(), 1);
    QCOMPARE(cell(&active, 0, 0), u"octo-org/alpha"_s);

    // A task that moves on leaves Active for Finished, live.
    active.setFilterFixedString(QString());
    const QString id = cell(&active, 0, TaskTableModel::Id);
    QVERIFY(!session->cancelTask(id).isEmpty());
    QTRY_COMPARE(finished.rowCount(), 1);
    QCOMPARE(active.rowCount(), 2);
    QCOMPARE(cell(&finished, 0, TaskTableModel::State), u"cancelled"_s);
    QCOMPARE(cell(&finished, 0, TaskTableModel::Reason), u"cancelled"_s);
}

void TestMonitorApp::finishedTasksAttemptsAndTheChart()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s),
                         settings({ { u"SCHEDULE_INTERVAL"_s, u"0"_s } }));
    QVERIFY(hookme.start());
    const auto session = connectedSession();
    QTRY_COMPARE(session->connection()->state(), State::Connected);

    const QString delivered =
            hookme.submit(u"octo-org"_s, u"hello-world"_s).json().value("id"_L1).toString();
    const QString failed =
            hookme.submit(u"octo-org"_s, u"no-such-repo"_s).json().value("id"_L1).toString();
    QTRY_COMPARE_WITH_TIMEOUT(session->counters(), (Counters { 0, 0, 0, 1, 1, 0 }), 15'000);

    const TaskTableModel *tasks = session->tasks();
    QTRY_VERIFY(tasks->task(delivered)->state == TaskState::Delivered);
    QTRY_VERIFY(tasks->task(failed)->state == TaskState::Failed);
    QCOMPARE(cell(tasks, tasks->rowOf(delivered), TaskTableModel::Reason), u"delivered"_s);
    QCOMPARE(cell(tasks, tasks->rowOf(delivered), TaskTableModel::Attempt), u"1 attempt"_s);
    QCOMPARE(cell(tasks, tasks->rowOf(delivered), TaskTableModel::NextRun), QString());
    QCOMPARE(cell(tasks, tasks->rowOf(failed), TaskTableModel::Reason),
             u"repository not found or not visible with the configured token"_s);

    // The detail of a task: every attempt, from the store.
    QSignalSpy results(session.get(), &MonitorSession::commandFinished);
    const QString request = session->requestDetail(failed);
    QVERIFY(!request.isEmpty());
    QTRY_COMPARE(results.size(), 1);
    const auto detail = results.at(0).at(0).value<CommandResult>();
    QCOMPARE(detail.requestId, request);
    QVERIFY(detail.ok);
    QCOMPARE(detail.attempts.size(), 1);
    QCOMPARE(detail.attempts.at(0).outcome, u"failed"_s);
    QCOMPARE(detail.attempts.at(0).stage, u"collect"_s);
    QCOMPARE(detail.attempts.at(0).httpStatus, std::optional<int>(404));

    // The chart counts what happened; GitHub's quota is known.
    const ActivityHistory history = session->history();
    QCOMPARE(total(history.accepted), 2);
    QCOMPARE(total(history.delivered), 1);
    QCOMPARE(total(history.failed), 1);
    QTRY_VERIFY(session->rateLimit().has_value());
    QCOMPARE(session->rateLimit()->limit, std::optional<qint64>(5000));
    QCOMPARE(session->rateLimit()->remaining,
             std::optional<qint64>(5000 - m_github->requestCount()));
}

void TestMonitorApp::survivesARestartOfTheService()
{
    const QString dataDir = m_directory->filePath(u"data"_s);
    auto hookme = std::make_unique<HookmeProcess>(dataDir, settings());
    QVERIFY(hookme->start());
    const auto session = connectedSession();
    QTRY_COMPARE(session->connection()->state(), State::Connected);

    const QString id =
            hookme->submit(u"octo-org"_s, u"hello-world"_s).json().value("id"_L1).toString();
    QCOMPARE(hookme->submit(u"OCTO-ORG"_s, u"hello-world"_s).status, 200);
    QCOMPARE(hookme->submit(u"octo-org"_s, u"two"_s).status, 202);
    QCOMPARE(hookme->submit(u"octo-org"_s, u"three"_s).status, 429);
    QTRY_COMPARE(session->throttled()->rowCount(), 1);
    QTRY_COMPARE(session->folded()->rowCount(), 1);

    // The service dies; the monitor keeps what it shows and keeps trying, with backoff.
    QList<int> delays;
    connect(session->connection(), &MonitorConnection::stateChanged, this,
            [&delays, &session](State state) {
                if (state == State::Waiting)
                    delays.append(session->connection()->retryDelayMs());
            });
    hookme->kill();
    hookme.reset();
    QTRY_COMPARE(session->connection()->state(), State::Waiting);
    QTRY_VERIFY_WITH_TIMEOUT(delays.size() >= 4, 10'000);
    QCOMPARE(delays.mid(0, 4), (QList<int> { 100, 200, 400, 800 }));
    QCOMPARE(session->tasks()->rowCount(), 2);

    // It comes back by itself, and the tables go on.
    hookme = std::make_unique<HookmeProcess>(dataDir, settings());
    QVERIFY(hookme->start());
    QTRY_COMPARE_WITH_TIMEOUT(session->connection()->state(), State::Connected, 10'000);
    QCOMPARE(session->tasks()->rowCount(), 2);
    COMPARE_NAMES(session->tasks()->task(id)->state, TaskState::Scheduled);
    // The new service instance forgot the requests it folded and throttled; the monitor not.
    QCOMPARE(session->folded()->rowCount(), 1);
    QCOMPARE(session->throttled()->rowCount(), 1);
    QCOMPARE(total(session->history().throttled), 1);

    QCOMPARE(hookme->submit(u"Octo-Org"_s, u"Hello-World"_s).status, 200);
    QCOMPARE(hookme->submit(u"octo-org"_s, u"four"_s).status, 429);
    QTRY_COMPARE(session->folded()->rowCount(), 2);
    QCOMPARE(session->folded()->foldedCount(id), 2);
    QTRY_COMPARE(session->throttled()->rowCount(), 2);

    // Once connected, the next loss starts again from the first delay.
    delays.clear();
    hookme->kill();
    QTRY_VERIFY(!delays.isEmpty());
    QCOMPARE(delays.first(), 100);
}

void TestMonitorApp::refusedCommandsAreAnswered()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s), settings());
    QVERIFY(hookme.start());
    const auto session = connectedSession();
    QTRY_COMPARE(session->connection()->state(), State::Connected);
    const QString id =
            hookme.submit(u"octo-org"_s, u"hello-world"_s).json().value("id"_L1).toString();

    QSignalSpy results(session.get(), &MonitorSession::commandFinished);
    const QString request = session->retryTask(id);
    QTRY_COMPARE(results.size(), 1);
    const auto result = results.at(0).at(0).value<CommandResult>();
    QCOMPARE(result.requestId, request);
    QVERIFY(!result.ok);
    QCOMPARE(result.error.status, 409);
    QCOMPARE(result.error.code, u"task_not_failed"_s);
    QCOMPARE(result.error.message,
             u"task %1 is scheduled; only a failed task can be retried"_s.arg(id));

    // Not connected: nothing is sent, and the caller knows.
    session->connection()->stop();
    QCOMPARE(session->cancelTask(id), QString());
}

void TestMonitorApp::windowShowsTheSession()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s), settings());
    QVERIFY(hookme.start());
    const auto session = connectedSession();
    MonitorWindow window(session.get());
    window.show();
    QTRY_COMPARE(session->connection()->state(), State::Connected);
    QVERIFY2(window.connectionText().contains(u"Connected to %1"_s.arg(m_socket)),
             qPrintable(window.connectionText()));

    const QString id =
            hookme.submit(u"octo-org"_s, u"hello-world"_s).json().value("id"_L1).toString();
    QCOMPARE(hookme.submit(u"Octo-Org"_s, u"hello-world"_s).status, 200);
    QCOMPARE(hookme.submit(u"octo-org"_s, u"two"_s).status, 202);
    QCOMPARE(hookme.submit(u"octo-org"_s, u"three"_s).status, 429);

    QTRY_COMPARE(window.tabs()->tabText(MonitorWindow::ActiveTab), u"Active (2)"_s);
    QTRY_COMPARE(window.tabs()->tabText(MonitorWindow::DeduplicatedTab), u"Deduplicated (1)"_s);
    QTRY_COMPARE(window.tabs()->tabText(MonitorWindow::ThrottledTab), u"Throttled (1)"_s);
    QCOMPARE(window.tabs()->tabText(MonitorWindow::FinishedTab), u"Finished (0)"_s);
    QTRY_COMPARE(window.countersPanel()->text(u"active"_s), u"2"_s);
    QCOMPARE(window.countersPanel()->text(u"deduplicated"_s), u"1"_s);
    QCOMPARE(window.countersPanel()->text(u"throttled"_s), u"1"_s);
    QCOMPARE(window.countersPanel()->text(u"delivered"_s), u"0"_s);
    QCOMPARE(window.countersPanel()->text(u"failed"_s), u"0"_s);
    QCOMPARE(window.countersPanel()->text(u"quota"_s), QString());  // GitHub has not answered

    // The filter box filters every table.
    window.filterBox()->setText(u"TWO"_s);
    QCOMPARE(window.table(MonitorWindow::ActiveTab)->model()->rowCount(), 1);
    QCOMPARE(window.table(MonitorWindow::DeduplicatedTab)->model()->rowCount(), 0);
    window.filterBox()->clear();

    // Selecting a row shows the task, with the requests it serves.
    QTableView *active = window.table(MonitorWindow::ActiveTab);
    QCOMPARE(window.detailPane()->taskId(), QString());
    active->sortByColumn(TaskTableModel::Repository, Qt::AscendingOrder);
    active->selectRow(0);
    QCOMPARE(window.detailPane()->taskId(), id);
    QCOMPARE(window.detailPane()->text(u"title"_s), u"octo-org/hello-world"_s);
    QCOMPARE(window.detailPane()->text(u"state"_s), u"scheduled"_s);
    QCOMPARE(window.detailPane()->text(u"last-error"_s), u"none"_s);
    QCOMPARE(window.detailPane()->text(u"github-requests"_s), u"0 (0 against the quota)"_s);
    QVERIFY2(window.detailPane()->text(u"requests"_s).contains(u"1 more folded into it:"_s),
             qPrintable(window.detailPane()->text(u"requests"_s)));
    QVERIFY(window.detailPane()->text(u"requests"_s).contains(u"Octo-Org/hello-world at "_s));
    QVERIFY(window.detailPane()->cancelButton()->isEnabled());
    QVERIFY(!window.detailPane()->retryButton()->isEnabled());

    // The status bar follows the connection.
    hookme.kill();
    QTRY_VERIFY2(window.connectionText().contains(u"Disconnected: "_s),
                 qPrintable(window.connectionText()));
    QVERIFY(window.connectionText().contains(u"Reconnecting in "_s));
}

void TestMonitorApp::retryWithConfirmation()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s),
                         settings({ { u"SCHEDULE_INTERVAL"_s, u"0"_s } }));
    QVERIFY(hookme.start());
    const auto session = connectedSession();
    MonitorWindow window(session.get());
    window.show();
    QTRY_COMPARE(session->connection()->state(), State::Connected);

    const QString id =
            hookme.submit(u"octo-org"_s, u"late-repo"_s).json().value("id"_L1).toString();
    QTRY_VERIFY_WITH_TIMEOUT(session->tasks()->task(id)->state == TaskState::Failed, 15'000);
    window.showTask(id);
    QTRY_COMPARE(window.detailPane()->attempts()->rowCount(), 1);  // from get_task
    QVERIFY(window.detailPane()->retryButton()->isEnabled());
    QVERIFY(!window.detailPane()->cancelButton()->isEnabled());

    // The repository shows up at GitHub; the operator retries.
    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"late-repo"_s;
    repository.contributors = { FakeGitHub::makeContributor(u"octocat"_s, 1) };
    m_github->addRepository(repository);

    window.detailPane()->retryButton()->click();
    QTRY_VERIFY(confirmation());
    QCOMPARE(confirmation()->objectName(), u"confirm-command"_s);
    QVERIFY(confirmation()->text().contains(u"octo-org/late-repo"_s));
    confirmation()->button(QMessageBox::Yes)->click();

    QTRY_VERIFY_WITH_TIMEOUT(session->tasks()->task(id)->state == TaskState::Delivered, 15'000);
    QTRY_COMPARE(window.detailPane()->attempts()->rowCount(), 2);  // the new one, live
    QCOMPARE(window.detailPane()->attempts()->attempts().at(1).outcome, u"succeeded"_s);
    QCOMPARE(window.detailPane()->text(u"command"_s), u"Retry done: the task is retrying."_s);
    // The first attempt asked once (404); the second for issues, contributors and a name.
    QTRY_COMPARE(window.detailPane()->text(u"github-requests"_s), u"4 (4 against the quota)"_s);
    QCOMPARE(m_receiver->deliveryCount(), 1);
}

void TestMonitorApp::cancelWithConfirmation()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s), settings());
    QVERIFY(hookme.start());
    const auto session = connectedSession();
    MonitorWindow window(session.get());
    window.show();
    QTRY_COMPARE(session->connection()->state(), State::Connected);
    const QString id =
            hookme.submit(u"octo-org"_s, u"hello-world"_s).json().value("id"_L1).toString();
    QTRY_COMPARE(session->tasks()->rowCount(), 1);
    window.showTask(id);

    // "Keep it" sends nothing.
    window.detailPane()->cancelButton()->click();
    QTRY_VERIFY(confirmation());
    confirmation()->button(QMessageBox::No)->click();
    QTRY_VERIFY(!confirmation());
    QTest::qWait(200);
    COMPARE_NAMES(session->tasks()->task(id)->state, TaskState::Scheduled);

    window.detailPane()->cancelButton()->click();
    QTRY_VERIFY(confirmation());
    confirmation()->button(QMessageBox::Yes)->click();
    QTRY_VERIFY(session->tasks()->task(id)->state == TaskState::Cancelled);
    QTRY_COMPARE(window.detailPane()->text(u"command"_s), u"Cancel done: the task is cancelled."_s);
    QTRY_COMPARE(window.tabs()->tabText(MonitorWindow::FinishedTab), u"Finished (1)"_s);
    QVERIFY(!window.detailPane()->cancelButton()->isEnabled());
    QCOMPARE(hookme.get(u"/tasks/"_s + id).json().value("state"_L1).toString(), u"cancelled"_s);
}

void TestMonitorApp::windowKeepsItsLayout()
{
    MonitorSession session(m_socket);
    {
        MonitorWindow window(&session);
        window.show();
        window.resize(1234, 876);
        window.tabs()->setCurrentIndex(MonitorWindow::ThrottledTab);
        window.table(MonitorWindow::ActiveTab)->sortByColumn(TaskTableModel::Repository,
                                                             Qt::DescendingOrder);
        window.table(MonitorWindow::FinishedTab)->setColumnWidth(TaskTableModel::Repository, 333);
        QTRY_COMPARE(window.size(), QSize(1234, 876));
        window.close();
    }

    MonitorWindow again(&session);
    again.show();
    QTRY_COMPARE(again.size(), QSize(1234, 876));
    QCOMPARE(again.tabs()->currentIndex(), int(MonitorWindow::ThrottledTab));
    const QHeaderView *header = again.table(MonitorWindow::ActiveTab)->horizontalHeader();
    QCOMPARE(header->sortIndicatorSection(), int(TaskTableModel::Repository));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(again.table(MonitorWindow::FinishedTab)->columnWidth(TaskTableModel::Repository),
             333);
}

void TestMonitorApp::binaryRefusesABadSocketName()
{
    QProcess monitor;
    // Without XDG_RUNTIME_DIR, Qt would add a warning of its own to the output.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_RUNTIME_DIR"_s, m_directory->path());
    monitor.setProcessEnvironment(environment);
    monitor.start(QStringLiteral(HOOKME_MONITOR_BINARY), { u"--socket"_s, u"/tmp/"_s });
    QVERIFY(monitor.waitForFinished(10'000));
    QCOMPARE(monitor.exitCode(), 2);
    QCOMPARE(monitor.readAllStandardError(),
             "hookme-monitor: --socket must name a socket file, not a directory, got "
             "\"/tmp/\"\n");
}

void TestMonitorApp::binaryRendersAScreenshot()
{
    HookmeProcess hookme(m_directory->filePath(u"data"_s), settings());
    QVERIFY(hookme.start());
    QCOMPARE(hookme.submit(u"octo-org"_s, u"hello-world"_s).status, 202);

    const QString file = m_directory->filePath(u"monitor.png"_s);
    QProcess monitor;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"XDG_CONFIG_HOME"_s, m_directory->filePath(u"xdg"_s));
    monitor.setProcessEnvironment(environment);
    monitor.start(QStringLiteral(HOOKME_MONITOR_BINARY),
                  { u"--socket"_s, m_socket, u"--screenshot"_s, file,
                    u"--screenshot-delay"_s, u"1000"_s });
    QVERIFY(QTest::qWaitFor([&] { return monitor.state() == QProcess::NotRunning; }, 20'000));
    QCOMPARE(monitor.exitCode(), 0);

    const QImage image(file);
    QCOMPARE(image.size(), QSize(1440, 900));
}

QTEST_MAIN(TestMonitorApp)
#include "tst_monitorapp.moc"
