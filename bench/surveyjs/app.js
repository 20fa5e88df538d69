// Renders the converted post-service questionnaire with SurveyJS's plain-JS UI and,
// like ours, posts the answers when the survey is completed.
const survey = new Survey.Model(window.SURVEY_JSON);
survey.onComplete.add((sender) => {
  fetch('/bench/surveyjs-response', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sender.data),
  }).catch((e) => console.error(e));
});
window.survey = survey;
survey.render(document.getElementById('surveyElement'));
