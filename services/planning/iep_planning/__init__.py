"""The planning service: the IEP meeting, the written plan, consent to services, reviews and
disputes."""
