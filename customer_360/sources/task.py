"""Task of a customer's project. Task has no customer field: it reaches the customer through its project
(Project.customer), so a task follows when the project changes customer (indexer/dependents.py).

exp_end_date is a Date on ERPNext v15 and a Datetime on v16; one rule serves both: a due time of day is kept
when there is one, a bare date (or midnight) takes the time of day the task was created, like other dates.
"""

from datetime import datetime, time

from customer_360.sources import Source, base_event, day_time, sql

DOCTYPE = "Task"
OPEN = ("Open", "Working", "Pending Review", "Overdue")


def due_at(row: dict):
	due = row.get("exp_end_date")
	if isinstance(due, datetime):
		if due.time() != time(0):
			return due
		due = due.date()
	return day_time({**row, "exp_end_date": due}, "exp_end_date")


def to_events(row: dict) -> list:
	what = row.get("subject") or row["name"]
	status = row.get("status")
	common = {"source_doctype": DOCTYPE, "event_type": "commitment", "cancelled": status == "Cancelled"}
	events = [
		base_event(
			row,
			kind="project_task_created",
			event_time=row["creation"],
			title=f"Task: {what}",
			summary=f"Project {row['project']}",
			**common,
		)
	]
	if status in OPEN and row.get("exp_end_date"):
		events.append(
			base_event(
				row,
				kind="project_task_due",
				event_time=due_at(row),
				title=f"Task due: {what}",
				summary=f"{row.get('priority') or 'Medium'} priority",
				**common,
			)
		)
	if status == "Completed":
		events.append(
			base_event(
				row,
				kind="project_task_completed",
				event_time=row["modified"],
				title=f"Task completed: {what}",
				actor=row.get("completed_by") or row.get("modified_by"),
				**common,
			)
		)
	return events


def links_sql(names) -> str:
	return (
		f"select t.name, p.customer, null from `tabTask` t join `tabProject` p on p.name = t.project"
		f" where {names('t.name')}"
	)


_WHAT = "coalesce(nullif(t.subject, ''), t.name)"
_CANCELLED = "t.status = 'Cancelled'"
_DUE = (
	"if(time(t.exp_end_date) <> '00:00:00', t.exp_end_date,"
	" timestamp(date(t.exp_end_date), time(t.creation)))"
)
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("project_task_created"),
		event_type="commitment",
		event_time="t.creation",
		title=f"concat('Task: ', {_WHAT})",
		summary="concat('Project ', t.project)",
		company="t.company",
		cancelled=_CANCELLED,
	),
	sql.SqlEvent(
		kind=sql.lit("project_task_due"),
		event_type="commitment",
		event_time=_DUE,
		title=f"concat('Task due: ', {_WHAT})",
		summary="concat(coalesce(nullif(t.priority, ''), 'Medium'), ' priority')",
		company="t.company",
		cancelled=_CANCELLED,
		when=f"t.status in ({', '.join(sql.lit(s) for s in OPEN)}) and t.exp_end_date is not null",
	),
	sql.SqlEvent(
		kind=sql.lit("project_task_completed"),
		event_type="commitment",
		event_time="t.modified",
		title=f"concat('Task completed: ', {_WHAT})",
		company="t.company",
		actor="coalesce(nullif(t.completed_by, ''), t.modified_by)",
		cancelled=_CANCELLED,
		when="t.status = 'Completed'",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("project", "company", "subject", "status", "priority", "exp_end_date", "completed_by"),
	where="is_template = 0 and project is not null and project != ''",
	customer_column=None,
	links_sql=links_sql,
	sql_direct=("join `tabProject` p on p.name = t.project", "p.customer"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
)
