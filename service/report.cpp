#include "report.h"

#include "reportwriter.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace hookme {

QByteArray Report::toJson() const
{
    ReportWriter writer(user, repository);
    for (const ReportIssue &issue : issues)
        writer.addIssue(issue);
    return writer.finish(contributors);
}

void appendIssues(const QJsonArray &page, QList<ReportIssue> *issues)
{
    for (const QJsonValue &value : page) {
        const QJsonObject item = value.toObject();
        if (item.contains("pull_request"_L1))
            continue;

        ReportIssue issue;
        issue.title = item.value("title"_L1).toString();
        const QJsonValue user = item.value("user"_L1);
        if (user.isObject() && user["login"_L1].isString())
            issue.author = user["login"_L1].toString();

        // GitHub documents a label as an object with a name, or as a plain string.
        for (const QJsonValue &label : item.value("labels"_L1).toArray()) {
            if (label.isString())
                issue.labels.append(label.toString());
            else if (label.isObject())
                issue.labels.append(label["name"_L1].toString());
        }
        issues->append(issue);
    }
}

void appendContributors(const QJsonArray &page, QList<ReportContributor> *contributors)
{
    for (const QJsonValue &value : page) {
        const QJsonObject item = value.toObject();
        const QString login = item.value("login"_L1).toString();
        if (login.isEmpty())
            continue;

        ReportContributor contributor;
        contributor.login = login;
        contributor.commits = item.value("contributions"_L1).toInteger();
        contributors->append(contributor);
    }
}

} // namespace hookme
