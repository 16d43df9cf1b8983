// The attempts of the task in the detail pane, in order: when each ran, how long it took,
// where it ended and why.
#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>

#include <functional>

namespace hookme::monitorapp {

class AttemptModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Number, Started, Took, Stage, Outcome, HttpStatus, GitHubRequests, Error,
                  ColumnCount };

    explicit AttemptModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void reset(const QList<hookme::monitor::AttemptInfo> &attempts);
    // Adds an attempt that ended live, or replaces the one with its number.
    void add(const hookme::monitor::AttemptInfo &attempt);
    QList<hookme::monitor::AttemptInfo> attempts() const { return m_attempts; }

    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

private:
    QList<hookme::monitor::AttemptInfo> m_attempts;
    std::function<qint64()> m_clock;
};

} // namespace hookme::monitorapp
