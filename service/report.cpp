#include "report.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace hookme {

namespace {

// Writes JSON by hand so that keys keep the documented order (QJsonObject sorts them).
class JsonWriter
{
public:
    explicit JsonWriter(QByteArray *out) : m_out(out) { }

    void string(const QString &text)
    {
        m_out->append('"');
        const QByteArray utf8 = text.toUtf8();
        for (const char c : utf8) {
            switch (c) {
            case '"':
                m_out->append("\\\"");
                break;
            case '\\':
                m_out->append("\\\\");
                break;
            case '\n':
                m_out->append("\\n");
                break;
            case '\r':
                m_out->append("\\r");
                break;
            case '\t':
                m_out->append("\\t");
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    m_out->append("\\u00");
                    m_out->append(QByteArray::number(static_cast<unsigned char>(c), 16)
                                          .rightJustified(2, '0'));
                } else {
                    m_out->append(c);  // UTF-8 bytes pass through unchanged
                }
            }
        }
        m_out->append('"');
    }

    void optionalString(const std::optional<QString> &text)
    {
        if (text)
            string(*text);
        else
            m_out->append("null");
    }

    void key(const char *name) { m_out->append('"').append(name).append("\":"); }
    void raw(const char *text) { m_out->append(text); }
    void number(qint64 value) { m_out->append(QByteArray::number(value)); }

private:
    QByteArray *m_out;
};

} // namespace

QByteArray Report::toJson() const
{
    QByteArray out;
    JsonWriter json(&out);

    json.raw("{");
    json.key("user");
    json.string(user);
    json.raw(",");
    json.key("repository");
    json.string(repository);

    json.raw(",");
    json.key("issues");
    json.raw("[");
    for (qsizetype i = 0; i < issues.size(); ++i) {
        const ReportIssue &issue = issues.at(i);
        json.raw(i == 0 ? "{" : ",{");
        json.key("title");
        json.string(issue.title);
        json.raw(",");
        json.key("author");
        json.optionalString(issue.author);
        json.raw(",");
        json.key("labels");
        json.raw("[");
        for (qsizetype j = 0; j < issue.labels.size(); ++j) {
            if (j > 0)
                json.raw(",");
            json.string(issue.labels.at(j));
        }
        json.raw("]}");
    }
    json.raw("]");

    json.raw(",");
    json.key("contributors");
    json.raw("[");
    for (qsizetype i = 0; i < contributors.size(); ++i) {
        const ReportContributor &contributor = contributors.at(i);
        json.raw(i == 0 ? "{" : ",{");
        json.key("name");
        json.optionalString(contributor.name);
        json.raw(",");
        json.key("user");
        json.optionalString(contributor.login);
        json.raw(",");
        json.key("qtd_commits");
        json.number(contributor.commits);
        json.raw("}");
    }
    json.raw("]");

    if (!warnings.isEmpty()) {
        json.raw(",");
        json.key("warnings");
        json.raw("[");
        for (qsizetype i = 0; i < warnings.size(); ++i) {
            json.raw(i == 0 ? "{" : ",{");
            json.key("part");
            json.string(warnings.at(i).part);
            json.raw(",");
            json.key("reason");
            json.string(warnings.at(i).reason);
            json.raw("}");
        }
        json.raw("]");
    }
    json.raw("}");
    return out;
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
