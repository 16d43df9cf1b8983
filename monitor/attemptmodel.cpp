#include "attemptmodel.h"

#include "displaytext.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

AttemptModel::AttemptModel(QObject *parent)
    : QAbstractTableModel(parent), m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

int AttemptModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_attempts.size());
}

int AttemptModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AttemptModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_attempts.size())
        return {};
    const AttemptInfo &attempt = m_attempts.at(index.row());

    if (role == Qt::ToolTipRole) {
        if (index.column() == Error && !attempt.error.isEmpty())
            return attempt.error;
        if (index.column() == Started)
            return timestampText(attempt.startedAtMs);
        return {};
    }
    if (role == Qt::ForegroundRole && index.column() == Outcome) {
        if (attempt.outcome == "succeeded"_L1)
            return QBrush(QColor(0x1e, 0x7b, 0x34));
        return QBrush(attempt.outcome == "failed"_L1 ? QColor(0xc0, 0x1c, 0x28)
                                                     : QColor(0xb0, 0x60, 0x00));
    }
    if (role != Qt::DisplayRole)
        return {};

    switch (index.column()) {
    case Number:
        return attempt.number;
    case Started:
        return clockText(attempt.startedAtMs, m_clock());
    case Took:
        return durationText(attempt.finishedAtMs - attempt.startedAtMs);
    case Stage:
        return attempt.stage;
    case Outcome:
        return attempt.outcome;
    case HttpStatus:
        return attempt.httpStatus ? QVariant(*attempt.httpStatus) : QVariant(u"-"_s);
    case GitHubRequests:
        return attempt.githubRequests ? QVariant(*attempt.githubRequests) : QVariant(u"-"_s);
    case Error:
        return attempt.error;
    }
    return {};
}

QVariant AttemptModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == GitHubRequests)
        return u"GitHub requests the attempt made (known for attempts seen live)"_s;
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Number:
        return u"#"_s;
    case Started:
        return u"Started"_s;
    case Took:
        return u"Took"_s;
    case Stage:
        return u"Stage"_s;
    case Outcome:
        return u"Outcome"_s;
    case HttpStatus:
        return u"HTTP"_s;
    case GitHubRequests:
        return u"GitHub"_s;
    case Error:
        return u"Error"_s;
    }
    return {};
}

void AttemptModel::reset(const QList<AttemptInfo> &attempts)
{
    beginResetModel();
    m_attempts = attempts;
    endResetModel();
}

void AttemptModel::add(const AttemptInfo &attempt)
{
    for (int row = 0; row < m_attempts.size(); ++row) {
        if (m_attempts.at(row).number == attempt.number) {
            m_attempts[row] = attempt;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            return;
        }
    }
    beginInsertRows({}, int(m_attempts.size()), int(m_attempts.size()));
    m_attempts.append(attempt);
    endInsertRows();
}

} // namespace hookme::monitorapp
