"""The evaluation stage of the IEP lifecycle: from the parent's consent to eligibility."""
