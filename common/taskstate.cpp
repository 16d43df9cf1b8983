#include "taskstate.h"

#include <array>

using namespace Qt::StringLiterals;

namespace hookme {

namespace {

struct StateName {
    TaskState state;
    QLatin1StringView name;
};

constexpr std::array stateNames {
    StateName { TaskState::Scheduled, "scheduled"_L1 },
    StateName { TaskState::Running, "running"_L1 },
    StateName { TaskState::Retrying, "retrying"_L1 },
    StateName { TaskState::Delivered, "delivered"_L1 },
    StateName { TaskState::Failed, "failed"_L1 },
    StateName { TaskState::Cancelled, "cancelled"_L1 },
};

} // namespace

QString toString(TaskState state)
{
    for (const auto &entry : stateNames) {
        if (entry.state == state)
            return entry.name;
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<TaskState> taskStateFromString(QStringView text)
{
    for (const auto &entry : stateNames) {
        if (text == entry.name)
            return entry.state;
    }
    return std::nullopt;
}

bool isFinished(TaskState state)
{
    return state == TaskState::Delivered || state == TaskState::Failed
            || state == TaskState::Cancelled;
}

QStringList allTaskStateNames()
{
    QStringList names;
    for (const auto &entry : stateNames)
        names.append(entry.name);
    return names;
}

QStringList unfinishedTaskStateNames()
{
    QStringList names;
    for (const auto &entry : stateNames) {
        if (!isFinished(entry.state))
            names.append(entry.name);
    }
    return names;
}

} // namespace hookme
