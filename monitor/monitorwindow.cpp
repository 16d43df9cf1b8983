#include "monitorwindow.h"

#include "activitychart.h"
#include "counterspanel.h"
#include "displaytext.h"
#include "foldedrequestmodel.h"
#include "monitorsession.h"
#include "taskdetailpane.h"
#include "taskfilterproxymodel.h"
#include "tasktablemodel.h"
#include "throttledrequestmodel.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

namespace {

const QString tableNames[] = { u"active"_s, u"deduplicated"_s, u"throttled"_s, u"finished"_s };

// Column widths that fit their usual content, until the user changes them.
void setWidths(QTableView *view, std::initializer_list<std::pair<int, int>> widths)
{
    for (const auto &[column, width] : widths)
        view->setColumnWidth(column, width);
}

} // namespace

MonitorWindow::MonitorWindow(MonitorSession *session, QWidget *parent)
    : QMainWindow(parent),
      m_session(session),
      m_counters(new CountersPanel),
      m_filter(new QLineEdit),
      m_tabs(new QTabWidget),
      m_detail(new TaskDetailPane),
      m_chart(new ActivityChart),
      m_connection(new QLabel),
      m_omitted(new QLabel)
{
    setWindowTitle(u"hookme monitor — %1"_s.arg(session->connection()->socketName()));

    auto *countersBar = new QToolBar(u"Counters"_s, this);
    countersBar->setObjectName(u"counters-bar"_s);
    countersBar->setMovable(false);
    countersBar->addWidget(m_counters);
    addToolBar(Qt::TopToolBarArea, countersBar);

    // The tables.
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    m_filter->setPlaceholderText(u"Filter all tables: repository, task id, error, state…"_s);
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    auto *active = new TaskFilterProxyModel(TaskFilterProxyModel::Shows::Active, this);
    active->setSourceModel(session->tasks());
    auto *folded = new QSortFilterProxyModel(this);
    folded->setSourceModel(session->folded());
    folded->setSortRole(FoldedRequestModel::SortRole);
    auto *throttled = new QSortFilterProxyModel(this);
    throttled->setSourceModel(session->throttled());
    throttled->setSortRole(ThrottledRequestModel::SortRole);
    auto *finished = new TaskFilterProxyModel(TaskFilterProxyModel::Shows::Finished, this);
    finished->setSourceModel(session->tasks());
    for (QSortFilterProxyModel *proxy : { folded, throttled }) {
        proxy->setFilterKeyColumn(-1);
        proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
        proxy->setDynamicSortFilter(true);
    }

    QTableView *activeView = addTable(ActiveTab, active, tableNames[0]);
    QTableView *foldedView = addTable(DeduplicatedTab, folded, tableNames[1]);
    QTableView *throttledView = addTable(ThrottledTab, throttled, tableNames[2]);
    QTableView *finishedView = addTable(FinishedTab, finished, tableNames[3]);
    setWidths(activeView, { { TaskTableModel::Repository, 220 }, { TaskTableModel::State, 90 },
                            { TaskTableModel::NextRun, 120 }, { TaskTableModel::Attempt, 110 },
                            { TaskTableModel::Created, 80 }, { TaskTableModel::Id, 120 } });
    activeView->hideColumn(TaskTableModel::Finished);
    activeView->sortByColumn(TaskTableModel::NextRun, Qt::AscendingOrder);
    setWidths(finishedView,
              { { TaskTableModel::Repository, 220 }, { TaskTableModel::State, 90 },
                { TaskTableModel::Attempt, 90 }, { TaskTableModel::Created, 80 },
                { TaskTableModel::Finished, 80 }, { TaskTableModel::Id, 120 } });
    finishedView->hideColumn(TaskTableModel::NextRun);
    finishedView->sortByColumn(TaskTableModel::Finished, Qt::DescendingOrder);
    setWidths(foldedView, { { FoldedRequestModel::Time, 80 }, { FoldedRequestModel::Request, 200 },
                            { FoldedRequestModel::FoldedInto, 200 },
                            { FoldedRequestModel::StateThen, 110 },
                            { FoldedRequestModel::Folded, 140 } });
    foldedView->sortByColumn(FoldedRequestModel::Time, Qt::DescendingOrder);
    setWidths(throttledView, { { ThrottledRequestModel::Time, 80 },
                               { ThrottledRequestModel::Request, 240 },
                               { ThrottledRequestModel::Cap, 160 } });
    throttledView->sortByColumn(ThrottledRequestModel::Time, Qt::DescendingOrder);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        for (QSortFilterProxyModel *proxy : std::as_const(m_proxies))
            proxy->setFilterFixedString(text);
    });

    // The detail pane and the chart, in docks the user may move, float or close.
    auto *detailDock = new QDockWidget(u"Task"_s, this);
    detailDock->setObjectName(u"detail-dock"_s);
    detailDock->setWidget(m_detail);
    detailDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::RightDockWidgetArea, detailDock);
    auto *chartDock = new QDockWidget(u"Activity"_s, this);
    chartDock->setObjectName(u"chart-dock"_s);
    chartDock->setWidget(m_chart);
    chartDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, chartDock);

    statusBar()->addPermanentWidget(m_omitted);
    statusBar()->addPermanentWidget(m_connection, 1);
    m_omitted->hide();

    // Keeping up with the session.
    connect(session->connection(), &MonitorConnection::stateChanged, this,
            &MonitorWindow::connectionChanged);
    connect(session, &MonitorSession::countersChanged, this,
            [this] { m_counters->setCounters(m_session->counters()); });
    connect(session, &MonitorSession::rateLimitChanged, this,
            [this] { m_counters->setRateLimit(m_session->rateLimit(), m_session->now()); });
    // Redrawing the chart for every event would cost a busy service's monitor dearly.
    m_chartUpdate.setSingleShot(true);
    m_chartUpdate.setInterval(250);
    connect(&m_chartUpdate, &QTimer::timeout, this,
            [this] { m_chart->setHistory(m_session->history()); });
    connect(session, &MonitorSession::historyChanged, &m_chartUpdate,
            qOverload<>(&QTimer::start));
    connect(session, &MonitorSession::snapshotApplied, this, [this] {
        connectionChanged();
        if (!m_shownTaskId.isEmpty())
            showTask(m_shownTaskId);  // what changed while this monitor was away
    });
    connect(session, &MonitorSession::commandFinished, this, &MonitorWindow::commandFinished);
    connect(session, &MonitorSession::protocolError, this, [this](const QString &message) {
        statusBar()->showMessage(u"The service refused a message: %1"_s.arg(message), 10'000);
    });
    connect(session, &MonitorSession::attemptFinished, this,
            [this](const TaskInfo &task, const AttemptInfo &attempt) {
                if (task.id == m_shownTaskId)
                    m_detail->addAttempt(attempt);
            });
    connect(session->tasks(), &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                const int row = m_session->tasks()->rowOf(m_shownTaskId);
                if (row >= topLeft.row() && row <= bottomRight.row()
                    && bottomRight.column() > TaskTableModel::NextRun)
                    updateDetail();
            });
    connect(session->tasks(), &QAbstractItemModel::rowsInserted, this,
            &MonitorWindow::updateDetail);
    connect(session->folded(), &QAbstractItemModel::rowsInserted, this,
            &MonitorWindow::updateDetail);
    for (QSortFilterProxyModel *proxy : std::as_const(m_proxies)) {
        connect(proxy, &QAbstractItemModel::rowsInserted, this, &MonitorWindow::updateTabTitles);
        connect(proxy, &QAbstractItemModel::rowsRemoved, this, &MonitorWindow::updateTabTitles);
        connect(proxy, &QAbstractItemModel::modelReset, this, &MonitorWindow::updateTabTitles);
        connect(proxy, &QAbstractItemModel::layoutChanged, this, &MonitorWindow::updateTabTitles);
    }
    connect(m_detail, &TaskDetailPane::retryRequested, this,
            [this](const QString &taskId) { confirmCommand(taskId, true); });
    connect(m_detail, &TaskDetailPane::cancelRequested, this,
            [this](const QString &taskId) { confirmCommand(taskId, false); });

    m_ticker.setInterval(1'000);
    connect(&m_ticker, &QTimer::timeout, this, &MonitorWindow::tick);
    m_ticker.start();

    // The first layout, until the user makes another one.
    resize(1440, 900);
    resizeDocks({ detailDock }, { 480 }, Qt::Horizontal);
    resizeDocks({ chartDock }, { 300 }, Qt::Vertical);
    restoreLayout();
    updateTabTitles();
    connectionChanged();
}

QTableView *MonitorWindow::addTable(Tab tab, QSortFilterProxyModel *model, const QString &name)
{
    auto *view = new QTableView;
    view->setObjectName(name);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    m_tabs->insertTab(tab, view, name);
    m_tables.insert(tab, view);
    m_proxies.insert(tab, model);

    // The selected row's task goes to the detail pane; a folded request shows its task.
    // Rows moving in a table that is not in front do not change what the pane shows.
    connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this, view, tab](const QModelIndex &current) {
                if (!current.isValid() || m_tabs->currentWidget() != view
                    || tab == ThrottledTab)
                    return;
                const QString id = current.data(tab == DeduplicatedTab
                                                        ? int(FoldedRequestModel::TaskIdRole)
                                                        : int(TaskTableModel::TaskIdRole))
                                           .toString();
                if (!id.isEmpty() && id != m_shownTaskId)
                    showTask(id);
            });
    return view;
}

QTableView *MonitorWindow::table(Tab tab) const
{
    return m_tables.at(tab);
}

QString MonitorWindow::connectionText() const
{
    return m_connection->text();
}

void MonitorWindow::showTask(const QString &taskId)
{
    m_shownTaskId = taskId;
    m_detail->showTask(m_session->tasks()->task(taskId));
    m_detail->setFoldedRequests(m_session->folded()->requestsFor(taskId));
    m_detailRequestId = m_session->requestDetail(taskId);

    // Select it in the task table that shows it, unless something else is selected there.
    for (const Tab tab : { ActiveTab, FinishedTab }) {
        QTableView *view = m_tables.at(tab);
        const int row = m_session->tasks()->rowOf(taskId);
        if (row < 0)
            continue;
        const QModelIndex index = m_proxies.at(tab)->mapFromSource(
                m_session->tasks()->index(row, 0));
        if (index.isValid() && view->currentIndex().row() != index.row()) {
            const QSignalBlocker blocker(view->selectionModel());
            view->selectionModel()->setCurrentIndex(
                    index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            view->viewport()->update();
        }
    }
}

void MonitorWindow::updateDetail()
{
    if (m_shownTaskId.isEmpty())
        return;
    m_detail->showTask(m_session->tasks()->task(m_shownTaskId));
    m_detail->setFoldedRequests(m_session->folded()->requestsFor(m_shownTaskId));
}

void MonitorWindow::connectionChanged()
{
    const MonitorConnection *connection = m_session->connection();
    QString text;
    QString color;
    switch (connection->state()) {
    case MonitorConnection::State::Idle:
        text = u"Not connected"_s;
        color = u"#777"_s;
        break;
    case MonitorConnection::State::Connecting:
        text = u"Connecting to %1…"_s.arg(connection->socketName());
        color = u"#b06000"_s;
        break;
    case MonitorConnection::State::Connected: {
        text = u"Connected to %1"_s.arg(connection->socketName());
        if (const auto server = m_session->server()) {
            text += u" — hookme %1, pid %2, up since %3"_s.arg(server->version)
                            .arg(server->pid)
                            .arg(clockText(server->startedAtMs, m_session->now()));
        }
        color = u"#1e7b34"_s;
        break;
    }
    case MonitorConnection::State::Waiting:
        text = u"Disconnected: %1. Reconnecting in %2…"_s.arg(
                connection->lastError(), durationText(connection->retryDelayMs()));
        color = u"#c01c28"_s;
        break;
    }
    m_connection->setText(
            u"<span style='color:%1'>●</span> %2"_s.arg(color, text.toHtmlEscaped()));

    const qint64 omitted = m_session->omittedTasks();
    m_omitted->setVisible(omitted > 0);
    m_omitted->setText(u"%1 older tasks not shown"_s.arg(omitted));
}

void MonitorWindow::updateTabTitles()
{
    const QString titles[] = { u"Active"_s, u"Deduplicated"_s, u"Throttled"_s, u"Finished"_s };
    for (int tab = 0; tab < m_proxies.size(); ++tab)
        m_tabs->setTabText(tab, u"%1 (%2)"_s.arg(titles[tab]).arg(m_proxies.at(tab)->rowCount()));
}

void MonitorWindow::confirmCommand(const QString &taskId, bool retry)
{
    const std::optional<TaskInfo> task = m_session->tasks()->task(taskId);
    const QString what = task ? repositoryText(task->owner, task->repository) : taskId;
    auto *box = new QMessageBox(
            QMessageBox::Question, retry ? u"Retry task"_s : u"Cancel task"_s,
            retry ? u"Run the failed task for %1 again now?\n\nIt gets one more attempt."_s.arg(
                            what)
                  : u"Cancel the task for %1?\n\nIt will not run again; a new request for the"
                    " repository creates a new task."_s.arg(what),
            QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(u"confirm-command"_s);
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->button(QMessageBox::Yes)->setText(retry ? u"Retry"_s : u"Cancel task"_s);
    box->button(QMessageBox::No)->setText(retry ? u"Do not retry"_s : u"Keep it"_s);
    connect(box, &QMessageBox::finished, this, [this, taskId, retry](int result) {
        if (result != QMessageBox::Yes)
            return;
        const QString id = retry ? m_session->retryTask(taskId) : m_session->cancelTask(taskId);
        if (id.isEmpty()) {
            m_detail->setCommandMessage(u"Not connected to the service; nothing was sent."_s,
                                        false);
            return;
        }
        m_commandRequestIds.append(id);
        m_detail->setCommandMessage(retry ? u"Retry sent…"_s : u"Cancel sent…"_s, true);
    });
    box->open();
}

void MonitorWindow::commandFinished(const CommandResult &result)
{
    if (result.requestId == m_detailRequestId) {
        m_detailRequestId.clear();
        if (result.ok && result.task && result.task->id == m_shownTaskId) {
            m_detail->showTask(result.task);
            m_detail->setAttempts(result.attempts);
        }
        return;
    }
    if (!m_commandRequestIds.removeOne(result.requestId))
        return;

    const QString verb = result.command == "retry"_L1 ? u"Retry"_s : u"Cancel"_s;
    const QString message = result.ok
            ? u"%1 done: the task is %2."_s.arg(verb, toString(result.task->state))
            : u"%1 refused (%2): %3"_s.arg(verb, result.error.code, result.error.message);
    statusBar()->showMessage(message, 10'000);
    if (result.task && result.task->id != m_shownTaskId)
        return;
    m_detail->setCommandMessage(message, result.ok);
}

void MonitorWindow::tick()
{
    m_detail->refresh(m_session->now());
    m_counters->setRateLimit(m_session->rateLimit(), m_session->now());
    // The chart moves on by a minute at a time.
    const qint64 firstMinute = m_session->history().firstMinuteMs;
    if (m_chart->points(u"accepted"_s).value(0).x() != qreal(firstMinute))
        m_chart->setHistory(m_session->history());
}

void MonitorWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

void MonitorWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    restoreState(settings.value(u"window/state"_s).toByteArray());
    for (int tab = 0; tab < m_tables.size(); ++tab) {
        const QByteArray header =
                settings.value(u"tables/%1/header"_s.arg(tableNames[tab])).toByteArray();
        if (!header.isEmpty())
            m_tables.at(tab)->horizontalHeader()->restoreState(header);
    }
    m_tabs->setCurrentIndex(settings.value(u"window/tab"_s, 0).toInt());
}

void MonitorWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    for (int tab = 0; tab < m_tables.size(); ++tab) {
        settings.setValue(u"tables/%1/header"_s.arg(tableNames[tab]),
                          m_tables.at(tab)->horizontalHeader()->saveState());
    }
    settings.setValue(u"window/tab"_s, m_tabs->currentIndex());
}

} // namespace hookme::monitorapp
