#include "report.h"

#include "reportwriter.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace hookme {

QByteArray Report::toJson() const
{
    ReportWriter writer(user, repository);
    for (const ReportIssue &issue : issues)
        writer.addIssue(issue);
    return writer.finish(contributors, warnings);
}

namespace {

std::optional<QJsonArray> jsonArray(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        return std::nullopt;
    return document.array();
}

QByteArray compact(const QJsonArray &array)
{
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QJsonValue stringOrNull(const QJsonValue &value)
{
    return value.isString() ? value : QJsonValue(QJsonValue::Null);
}

std::optional<QString> optionalString(const QJsonValue &value)
{
    return value.isString() ? std::optional<QString>(value.toString()) : std::nullopt;
}

} // namespace

std::optional<QByteArray> reduceIssuesPage(const QByteArray &page)
{
    const std::optional<QJsonArray> items = jsonArray(page);
    if (!items)
        return std::nullopt;

    QJsonArray reduced;
    for (const QJsonValue &value : *items) {
        const QJsonObject item = value.toObject();
        if (item.contains("pull_request"_L1))
            continue;

        // GitHub documents a label as an object with a name, or as a plain string.
        QJsonArray labels;
        for (const QJsonValue &label : item.value("labels"_L1).toArray())
            labels.append(label.isObject() ? label["name"_L1].toString() : label.toString());

        // A deleted account leaves the issue with "user": null.
        const QJsonValue user = item.value("user"_L1);
        reduced.append(QJsonObject {
                { u"title"_s, item.value("title"_L1).toString() },
                { u"author"_s, stringOrNull(user.isObject() ? user["login"_L1] : QJsonValue()) },
                { u"labels"_s, labels } });
    }
    return compact(reduced);
}

std::optional<QByteArray> reduceContributorsPage(const QByteArray &page, bool includeAnonymous)
{
    const std::optional<QJsonArray> items = jsonArray(page);
    if (!items)
        return std::nullopt;

    QJsonArray reduced;
    for (const QJsonValue &value : *items) {
        const QJsonObject item = value.toObject();
        const bool anonymous = item.value("login"_L1).toString().isEmpty();
        if (anonymous && !includeAnonymous)
            continue;

        QJsonObject entry { { u"login"_s, anonymous ? QJsonValue() : item.value("login"_L1) },
                            { u"contributions"_s, item.value("contributions"_L1).toInteger() } };
        // An anonymous contributor has no account to look up; GitHub gives its name here.
        if (anonymous)
            entry.insert(u"name"_s, stringOrNull(item.value("name"_L1)));
        reduced.append(entry);
    }
    return compact(reduced);
}

void appendIssues(const QByteArray &reducedPage, QList<ReportIssue> *issues)
{
    for (const QJsonValue &value : jsonArray(reducedPage).value_or(QJsonArray())) {
        ReportIssue issue;
        issue.title = value["title"_L1].toString();
        issue.author = optionalString(value["author"_L1]);
        for (const QJsonValue &label : value["labels"_L1].toArray())
            issue.labels.append(label.toString());
        issues->append(issue);
    }
}

void appendContributors(const QByteArray &reducedPage, QList<ReportContributor> *contributors)
{
    for (const QJsonValue &value : jsonArray(reducedPage).value_or(QJsonArray())) {
        ReportContributor contributor;
        contributor.login = optionalString(value["login"_L1]);
        contributor.name = optionalString(value["name"_L1]);
        contributor.commits = value["contributions"_L1].toInteger();
        contributors->append(contributor);
    }
}

} // namespace hookme
