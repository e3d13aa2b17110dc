"""Workflow rules: roles, routes, self-approval, transitions."""

from datetime import UTC, datetime

import pytest

from pipeline.content import workflow
from pipeline.content.model import Attention, FrontMatter, Status
from pipeline.errors import WorkflowError
from tests.conftest import Project, front

D = "d" * 64
AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _fm(**extra: object) -> FrontMatter:
    return FrontMatter.model_validate(front("uji-alur", **extra))


def _reviewed(project: Project, **extra: object) -> FrontMatter:
    return workflow.submit(project.config, _fm(**extra), by="sari", at=AT, errors=0, warnings=0)


def test_submit_records_review(project: Project) -> None:
    fm = _reviewed(project)
    assert fm.status is Status.IN_REVIEW
    assert fm.review and fm.review.by == "sari" and fm.review.result == "passed"
    assert [h.status for h in fm.history] == ["in-review"]


def test_submit_refused_for_operator_and_with_errors(project: Project) -> None:
    with pytest.raises(WorkflowError, match="needs the role editor"):
        workflow.submit(project.config, _fm(), by="rina", at=AT, errors=0, warnings=0)
    with pytest.raises(WorkflowError, match="2 error"):
        workflow.submit(project.config, _fm(), by="sari", at=AT, errors=2, warnings=0)


def test_routine_approved_by_penanggung_jawab(project: Project) -> None:
    fm = workflow.approve(project.config, _reviewed(project), by="hasan", at=AT, digest=D)
    assert fm.status is Status.APPROVED
    assert fm.approval and fm.approval.role == "penanggung-jawab"
    assert fm.approval.route is Attention.ROUTINE
    workflow.check_approval(project.config, fm, digest=D)


def test_routine_by_redaktur_only_when_configured(project: Project) -> None:
    fm = workflow.approve(project.config, _reviewed(project), by="bayu", at=AT, digest=D)
    assert fm.approval and fm.approval.role == "redaktur"
    strict = project.config.model_copy(
        update={
            "workflow": project.config.workflow.model_copy(
                update={"redaktur_approves_routine": False}
            )
        }
    )
    with pytest.raises(WorkflowError, match="penanggung-jawab"):
        workflow.approve(strict, _reviewed(project), by="bayu", at=AT, digest=D)


def test_special_needs_ketua(project: Project) -> None:
    reviewed = _reviewed(project, attention="special")
    for person in ("hasan", "bayu"):
        with pytest.raises(WorkflowError, match="needs the role ketua"):
            workflow.approve(project.config, reviewed, by=person, at=AT, digest=D)
    fm = workflow.approve(project.config, reviewed, by="ratna", at=AT, digest=D)
    assert fm.approval and fm.approval.role == "ketua" and fm.approval.route is Attention.SPECIAL


def test_nobody_approves_own_item(project: Project) -> None:
    reviewed = _reviewed(project, author="hasan")
    with pytest.raises(WorkflowError, match="wrote this item"):
        workflow.approve(project.config, reviewed, by="hasan", at=AT, digest=D)


def test_unknown_person_refused(project: Project) -> None:
    with pytest.raises(WorkflowError, match="unknown person 'mallory'"):
        workflow.approve(project.config, _reviewed(project), by="mallory", at=AT, digest=D)


def test_cannot_skip_review(project: Project) -> None:
    with pytest.raises(WorkflowError, match="cannot go from 'draft' to 'approved'"):
        workflow.approve(
            project.config,
            _fm(review={"by": "sari", "at": AT, "result": "passed"}),
            by="hasan",
            at=AT,
            digest=D,
        )


def test_forged_approval_records_fail_check(project: Project) -> None:
    ok = workflow.approve(project.config, _reviewed(project), by="hasan", at=AT, digest=D)
    assert ok.approval is not None
    forged_role = ok.model_copy(update={"approval": ok.approval.model_copy(update={"by": "dimas"})})
    with pytest.raises(WorkflowError, match="Dimas Admin may not"):
        workflow.check_approval(project.config, forged_role, digest=D)
    wrong_route = ok.model_copy(update={"attention": Attention.SPECIAL})
    with pytest.raises(WorkflowError, match="route"):
        workflow.check_approval(project.config, wrong_route, digest=D)
    own = ok.model_copy(update={"author": "hasan"})
    with pytest.raises(WorkflowError, match="wrote this item"):
        workflow.check_approval(project.config, own, digest=D)
    with pytest.raises(WorkflowError, match="no approval record"):
        workflow.check_approval(project.config, ok.model_copy(update={"approval": None}), digest=D)


def test_reject_and_withdraw_need_reasons(project: Project) -> None:
    reviewed = _reviewed(project)
    with pytest.raises(WorkflowError, match="reason"):
        workflow.reject(project.config, reviewed, by="hasan", at=AT, note=" ")
    back = workflow.reject(project.config, reviewed, by="hasan", at=AT, note="data kurang")
    assert back.status is Status.DRAFT and back.review is None
    published = workflow.publish(
        workflow.approve(project.config, reviewed, by="hasan", at=AT, digest=D), by="dimas", at=AT
    )
    assert published.published_at == AT
    gone = workflow.withdraw(project.config, published, by="dimas", at=AT, reason="salah data")
    assert gone.status is Status.WITHDRAWN and gone.withdrawn_reason == "salah data"
    with pytest.raises(WorkflowError, match="withdrawn"):
        workflow.publish(gone, by="dimas", at=AT)


def test_edit_after_approval_refused(project: Project) -> None:
    ok = workflow.approve(project.config, _reviewed(project), by="hasan", at=AT, digest=D)
    with pytest.raises(WorkflowError, match="changed after it was approved"):
        workflow.check_approval(project.config, ok, digest="e" * 64)
    assert ok.approval is not None
    bare = ok.model_copy(update={"approval": ok.approval.model_copy(update={"digest": ""})})
    with pytest.raises(WorkflowError, match="no digest"):
        workflow.check_approval(project.config, bare, digest=D)
