#include "taskfilterproxymodel.h"

#include "tasktablemodel.h"

namespace hookme::monitorapp {

TaskFilterProxyModel::TaskFilterProxyModel(Shows shows, QObject *parent)
    : QSortFilterProxyModel(parent), m_shows(shows)
{
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortRole(TaskTableModel::SortRole);
    setDynamicSortFilter(true);
}

bool TaskFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto state = TaskState(index.data(TaskTableModel::StateRole).toInt());
    if (isFinished(state) != (m_shows == Shows::Finished))
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace hookme::monitorapp
