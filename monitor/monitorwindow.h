// The monitor's main window: the counters across the top, a filter box and four tables
// (Active, Deduplicated, Throttled, Finished) in tabs, the selected task's details on the
// right, the chart of the last hour at the bottom, and the connection in the status bar.
//
// Guarantees: it only shows what its MonitorSession holds and sends commands through it,
// never blocking (a confirmation is a window-modal dialog opened with open(), not exec());
// its geometry, dock layout, column widths, sort orders and tab are saved with QSettings when
// it closes and restored when the next one opens.
#pragma once

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace hookme::monitor {
struct CommandResult;
}

namespace hookme::monitorapp {

class ActivityChart;
class CountersPanel;
class MonitorSession;
class TaskDetailPane;
class TaskFilterProxyModel;

class MonitorWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum Tab { ActiveTab, DeduplicatedTab, ThrottledTab, FinishedTab };

    explicit MonitorWindow(MonitorSession *session, QWidget *parent = nullptr);

    // For tests and screenshots.
    QTabWidget *tabs() const { return m_tabs; }
    QTableView *table(Tab tab) const;
    QLineEdit *filterBox() const { return m_filter; }
    CountersPanel *countersPanel() const { return m_counters; }
    TaskDetailPane *detailPane() const { return m_detail; }
    ActivityChart *chart() const { return m_chart; }
    QString connectionText() const;

    // Shows a task in the detail pane and selects it where a table shows it.
    void showTask(const QString &taskId);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QTableView *addTable(Tab tab, QSortFilterProxyModel *model, const QString &name);
    void connectionChanged();
    void updateTabTitles();
    void updateDetail();
    void confirmCommand(const QString &taskId, bool retry);
    void commandFinished(const hookme::monitor::CommandResult &result);
    void tick();
    void restoreLayout();
    void saveLayout() const;

    MonitorSession *m_session;
    CountersPanel *m_counters;
    QLineEdit *m_filter;
    QTabWidget *m_tabs;
    QList<QTableView *> m_tables;                // by Tab
    QList<QSortFilterProxyModel *> m_proxies;    // by Tab
    TaskDetailPane *m_detail;
    ActivityChart *m_chart;
    QLabel *m_connection;
    QLabel *m_omitted;
    QString m_shownTaskId;
    QString m_detailRequestId;
    QStringList m_commandRequestIds;
    QTimer m_ticker;
    QTimer m_chartUpdate;
};

} // namespace hookme::monitorapp
