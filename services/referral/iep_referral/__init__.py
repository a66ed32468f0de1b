"""The referral stage of the IEP lifecycle: a child is referred, the parent is given the
procedural safeguards, the district asks for written consent to evaluate (with prior
written notice), and the parent gives or refuses it, or the referral is closed."""
