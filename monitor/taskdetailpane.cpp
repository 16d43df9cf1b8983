#include "taskdetailpane.h"

#include "attemptmodel.h"
#include "displaytext.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

namespace {

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(u"<b>%1</b>"_s.arg(text), parent);
    label->setContentsMargins(0, 8, 0, 2);
    return label;
}

} // namespace

TaskDetailPane::TaskDetailPane(QWidget *parent)
    : QWidget(parent), m_pages(new QStackedWidget(this)), m_attempts(new AttemptModel(this))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_pages);

    auto *placeholder = new QLabel(u"Select a task to see its attempts, its last error and the"
                                   " requests it serves."_s);
    placeholder->setWordWrap(true);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setStyleSheet(u"color: #777; padding: 16px;"_s);
    m_pages->addWidget(placeholder);

    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(2);
    m_pages->addWidget(page);

    m_title = new QLabel(page);
    m_title->setObjectName(u"title"_s);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_id = new QLabel(page);
    m_id->setStyleSheet(u"color: #666;"_s);
    m_id->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    layout->addWidget(m_id);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 6, 0, 0);
    form->setLabelAlignment(Qt::AlignLeft);
    form->setHorizontalSpacing(12);
    form->setVerticalSpacing(3);
    m_state = addField(u"state"_s);
    m_created = addField(u"created"_s);
    m_nextRun = addField(u"next-run"_s);
    m_finished = addField(u"finished"_s);
    m_attemptCount = addField(u"attempts"_s);
    m_githubRequests = addField(u"github-requests"_s);
    m_githubRequests->setToolTip(u"GitHub requests made for this task over all its attempts,"
                                 " and how many of them counted against the quota (answers"
                                 " to conditional requests that had not changed do not)"_s);
    form->addRow(u"State:"_s, m_state);
    form->addRow(u"Accepted:"_s, m_created);
    form->addRow(u"Next run:"_s, m_nextRun);
    form->addRow(u"Finished:"_s, m_finished);
    form->addRow(u"Attempts:"_s, m_attemptCount);
    form->addRow(u"GitHub requests:"_s, m_githubRequests);
    layout->addLayout(form);

    layout->addWidget(sectionTitle(u"Last error"_s, page));
    m_lastError = addField(u"last-error"_s);
    m_lastError->setWordWrap(true);
    layout->addWidget(m_lastError);

    layout->addWidget(sectionTitle(u"Attempts"_s, page));
    m_attemptView = new QTableView(page);
    m_attemptView->setModel(m_attempts);
    m_attemptView->verticalHeader()->hide();
    m_attemptView->horizontalHeader()->setStretchLastSection(true);
    m_attemptView->setSelectionMode(QAbstractItemView::NoSelection);
    m_attemptView->setAlternatingRowColors(true);
    m_attemptView->setWordWrap(false);
    m_attemptView->setMinimumHeight(110);
    for (const auto &[column, width] : { std::pair { AttemptModel::Number, 26 },
                                         { AttemptModel::Started, 64 },
                                         { AttemptModel::Took, 54 },
                                         { AttemptModel::Stage, 54 },
                                         { AttemptModel::Outcome, 68 },
                                         { AttemptModel::HttpStatus, 40 },
                                         { AttemptModel::GitHubRequests, 52 } })
        m_attemptView->setColumnWidth(column, width);
    layout->addWidget(m_attemptView, 1);

    layout->addWidget(sectionTitle(u"Requests"_s, page));
    m_requests = addField(u"requests"_s);
    m_requests->setWordWrap(true);
    m_requests->setTextFormat(Qt::RichText);
    layout->addWidget(m_requests);

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 10, 0, 0);
    m_retry = new QPushButton(u"Retry…"_s, page);
    m_retry->setToolTip(u"Run a failed task again now (one more attempt)"_s);
    m_cancel = new QPushButton(u"Cancel…"_s, page);
    m_cancel->setToolTip(u"Cancel a scheduled or retrying task"_s);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_command = addField(u"command"_s);
    m_command->setWordWrap(true);
    layout->addWidget(m_command);

    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (m_task)
            emit retryRequested(m_task->id);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_task)
            emit cancelRequested(m_task->id);
    });
    render();
}

QLabel *TaskDetailPane::addField(const QString &name)
{
    auto *label = new QLabel(this);
    label->setObjectName(name);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

void TaskDetailPane::showTask(const std::optional<TaskInfo> &task)
{
    const bool sameTask = task && m_task && task->id == m_task->id;
    if (!sameTask) {
        m_attempts->reset({});
        m_folded.clear();
        m_command->clear();
    }
    m_task = task;
    render();
}

void TaskDetailPane::setAttempts(const QList<AttemptInfo> &attempts)
{
    m_attempts->reset(attempts);
}

void TaskDetailPane::addAttempt(const AttemptInfo &attempt)
{
    m_attempts->add(attempt);
}

void TaskDetailPane::setFoldedRequests(const QList<FoldedRequest> &requests)
{
    m_folded = requests;
    render();
}

void TaskDetailPane::setCommandMessage(const QString &message, bool ok)
{
    m_command->setStyleSheet(ok ? u"color: #1e7b34;"_s : u"color: #c01c28;"_s);
    m_command->setText(message);
}

void TaskDetailPane::refresh(qint64 nowMs)
{
    m_now = nowMs;
    if (m_task)
        render();
}

QString TaskDetailPane::text(const QString &name) const
{
    const auto *label = findChild<QLabel *>(name);
    return label ? label->text() : QString();
}

void TaskDetailPane::render()
{
    m_pages->setCurrentIndex(m_task ? 1 : 0);
    m_retry->setEnabled(m_task && m_task->state == TaskState::Failed);
    m_cancel->setEnabled(m_task
                         && (m_task->state == TaskState::Scheduled
                             || m_task->state == TaskState::Retrying));
    if (!m_task)
        return;

    const TaskInfo &task = *m_task;
    const qint64 now = m_now ? m_now : QDateTime::currentMSecsSinceEpoch();
    m_title->setText(repositoryText(task.owner, task.repository));
    m_id->setText(u"Task %1"_s.arg(task.id));
    m_state->setText(toString(task.state));
    m_created->setText(clockText(task.createdAtMs, now));

    QString nextRun;
    if (task.state == TaskState::Running)
        nextRun = u"running now"_s;
    else if (!isFinished(task.state) && task.nextRunAtMs)
        nextRun = u"%1 (%2)"_s.arg(clockText(*task.nextRunAtMs, now),
                                   countdownText(*task.nextRunAtMs, now));
    if (task.waitingUntilMs && *task.waitingUntilMs > now && !isFinished(task.state)) {
        nextRun += u"; waits for GitHub's rate limit until %1"_s.arg(
                clockText(*task.waitingUntilMs, now));
    }
    m_nextRun->setText(nextRun.isEmpty() ? u"-"_s : nextRun);
    m_finished->setText(task.finishedAtMs ? clockText(*task.finishedAtMs, now) : u"-"_s);
    m_attemptCount->setText(isFinished(task.state)
                                    ? u"%1 of at most %2"_s.arg(task.attemptsMade)
                                              .arg(task.maxAttempts)
                                    : u"%1 made; %2 %3"_s.arg(task.attemptsMade)
                                              .arg(attemptText(task),
                                                   task.state == TaskState::Running
                                                           ? u"is running"_s
                                                           : u"comes next"_s));
    if (task.githubRequests) {
        m_githubRequests->setText(u"%1 (%2 against the quota)"_s.arg(*task.githubRequests)
                                          .arg(task.githubQuotaRequests.value_or(0)));
    } else {
        m_githubRequests->setText(u"-"_s);
    }
    m_lastError->setText(task.lastError.isEmpty() ? u"none"_s : task.lastError);
    m_lastError->setStyleSheet(task.lastError.isEmpty() ? u"color: #777;"_s
                                                        : u"color: #c01c28;"_s);

    // The request that created the task, then those folded into it.
    QString requests = u"%1 accepted at %2"_s.arg(
            repositoryText(task.owner, task.repository).toHtmlEscaped(),
            clockText(task.createdAtMs, now));
    if (m_folded.isEmpty()) {
        requests += u"<br>no other request folded into it (recently)"_s;
    } else {
        requests += u"<br>%1 more folded into it:"_s.arg(m_folded.size());
        // The most recent ones; the Deduplicated table has them all.
        constexpr qsizetype shown = 12;
        if (m_folded.size() > shown)
            requests += u"<br>&nbsp;&nbsp;(%1 earlier ones)"_s.arg(m_folded.size() - shown);
        const QList<FoldedRequest> recent = m_folded.mid(std::max(qsizetype(0),
                                                                  m_folded.size() - shown));
        for (const FoldedRequest &request : recent) {
            requests += u"<br>&nbsp;&nbsp;%1 at %2"_s.arg(
                    repositoryText(request.owner, request.repository).toHtmlEscaped(),
                    clockText(request.atMs, now));
        }
    }
    m_requests->setText(requests);
}

} // namespace hookme::monitorapp
