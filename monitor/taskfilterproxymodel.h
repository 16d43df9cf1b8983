// One of the task tables: the Active tasks (scheduled, running, retrying) or the Finished
// ones (delivered, failed, cancelled) of a TaskTableModel, filtered by the filter box's text
// in any column, and sortable by any column (times and numbers sort as such).
#pragma once

#include <QSortFilterProxyModel>

namespace hookme::monitorapp {

class TaskFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class Shows { Active, Finished };

    explicit TaskFilterProxyModel(Shows shows, QObject *parent = nullptr);

    Shows shows() const { return m_shows; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Shows m_shows;
};

} // namespace hookme::monitorapp
