#include "task.h"

using namespace Qt::StringLiterals;

namespace hookme {

QString toString(AttemptStage stage)
{
    return stage == AttemptStage::Collect ? u"collect"_s : u"deliver"_s;
}

QString toString(AttemptOutcome outcome)
{
    switch (outcome) {
    case AttemptOutcome::Succeeded:
        return u"succeeded"_s;
    case AttemptOutcome::Retry:
        return u"retry"_s;
    case AttemptOutcome::Failed:
        return u"failed"_s;
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace hookme
