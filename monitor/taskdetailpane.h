// The detail pane for the selected task: its state and schedule, its last error, every
// attempt, the requests it serves (the one that created it and those folded into it), and
// the Retry and Cancel buttons, each enabled only where the service would accept it.
#pragma once

#include "monitorprotocol.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace hookme::monitorapp {

class AttemptModel;

class TaskDetailPane : public QWidget
{
    Q_OBJECT

public:
    explicit TaskDetailPane(QWidget *parent = nullptr);

    // Shows `task`, or the placeholder when there is none. Attempts and requests stay
    // while the same task is shown again; another task starts empty.
    void showTask(const std::optional<hookme::monitor::TaskInfo> &task);
    void setAttempts(const QList<hookme::monitor::AttemptInfo> &attempts);
    void addAttempt(const hookme::monitor::AttemptInfo &attempt);
    void setFoldedRequests(const QList<hookme::monitor::FoldedRequest> &requests);
    void setCommandMessage(const QString &message, bool ok);
    // Re-renders what depends on the time (the countdown to the next run).
    void refresh(qint64 nowMs);

    QString taskId() const { return m_task ? m_task->id : QString(); }
    AttemptModel *attempts() const { return m_attempts; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *cancelButton() const { return m_cancel; }
    // The pane's text fields, for tests: "title", "state", "next-run", "attempts",
    // "github-requests", "last-error", "requests", "command".
    QString text(const QString &name) const;

signals:
    void retryRequested(const QString &taskId);
    void cancelRequested(const QString &taskId);

private:
    QLabel *addField(const QString &name);
    void render();

    std::optional<hookme::monitor::TaskInfo> m_task;
    QList<hookme::monitor::FoldedRequest> m_folded;
    qint64 m_now = 0;
    QStackedWidget *m_pages;
    QLabel *m_title;
    QLabel *m_id;
    QLabel *m_state;
    QLabel *m_created;
    QLabel *m_nextRun;
    QLabel *m_finished;
    QLabel *m_attemptCount;
    QLabel *m_githubRequests;
    QLabel *m_lastError;
    QLabel *m_requests;
    QLabel *m_command;
    QTableView *m_attemptView;
    AttemptModel *m_attempts;
    QPushButton *m_retry;
    QPushButton *m_cancel;
};

} // namespace hookme::monitorapp
