#include "endtoendservers.h"

using namespace Qt::StringLiterals;

bool EndToEndServers::start()
{
    return dataDir.isValid() && github.listen() && receiver.listen();
}

QMap<QString, QString> EndToEndServers::settings(const QMap<QString, QString> &overrides) const
{
    QMap<QString, QString> values {
        { u"API_URL"_s, github.apiUrl().toString() },
        { u"WEBHOOK_URL"_s, receiver.url().toString() },
        { u"SCHEDULE_INTERVAL"_s, u"0"_s },
        { u"RESCHEDULE_INTERVAL"_s, u"100"_s },
        { u"RETRY_MAX_ATTEMPTS"_s, u"3"_s },
    };
    values.insert(overrides);
    return values;
}
